package studio.tally.media.scene;

/**
 * Where a picture goes in the output, as fractions of the output size: (0,0,1,1) fills it; a
 * picture-in-picture at the bottom right is e.g. (0.72, 0.70, 0.25, 0.25).
 */
public record Layer(double x, double y, double width, double height) {
  public static final Layer FULL = new Layer(0, 0, 1, 1);

  public Layer {
    if (!(width > 0 && width <= 1 && height > 0 && height <= 1)) {
      throw new IllegalArgumentException("layer size " + width + "x" + height + " must be fractions in (0, 1]");
    }
    if (!(x >= 0 && x < 1 && y >= 0 && y < 1)) {
      throw new IllegalArgumentException("layer position " + x + "," + y + " must be fractions in [0, 1)");
    }
  }

  /** A picture-in-picture of size fraction of the output at its bottom-right corner, margin inset. */
  public static Layer bottomRight(double size, double margin) {
    return new Layer(1 - size - margin, 1 - size - margin, size, size);
  }

  static int even(double pixels) {
    return Math.max(2, (int) Math.round(pixels / 2) * 2);
  }
}
