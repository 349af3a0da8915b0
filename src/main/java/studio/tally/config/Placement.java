package studio.tally.config;

/**
 * Where a video source goes in the output, as fractions of the output size: (0,0,1,1) fills it.
 * Same meaning as the media layer's {@code Layer}; kept here so settings need nothing of media.
 */
public record Placement(double x, double y, double width, double height) {
  public static final Placement FULL = new Placement(0, 0, 1, 1);
  /** The first-run picture-in-picture: a quarter of the output at the bottom right. */
  public static final Placement PIP = new Placement(0.72, 0.72, 0.25, 0.25);

  public Placement {
    if (!(width > 0 && width <= 1 && height > 0 && height <= 1)) {
      throw new IllegalArgumentException("placement size " + width + "x" + height + " must be fractions in (0, 1]");
    }
    if (!(x >= 0 && x < 1 && y >= 0 && y < 1)) {
      throw new IllegalArgumentException("placement position " + x + "," + y + " must be fractions in [0, 1)");
    }
  }
}
