package studio.tally.media;

/**
 * Size and frame rate of a video stream, validated: what a user types reaches FFmpeg only when it
 * makes sense (even sizes for 4:2:0, 16..8192 pixels, 1..240 fps).
 */
public record VideoFormat(int width, int height, double fps) {
  public static final int MIN_SIZE = 16;
  public static final int MAX_SIZE = 8192;
  public static final double MAX_FPS = 240;

  public VideoFormat {
    if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_SIZE || height > MAX_SIZE) {
      throw new IllegalArgumentException("video size " + width + "x" + height + " out of range: width and height must be "
          + MIN_SIZE + ".." + MAX_SIZE);
    }
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("video size " + width + "x" + height + " must be even (4:2:0 chroma)");
    }
    if (!(fps > 0) || fps > MAX_FPS || Double.isNaN(fps)) {
      throw new IllegalArgumentException("frame rate " + fps + " out of range: must be > 0 and ≤ " + MAX_FPS);
    }
  }

  /** "1280x720" → size; fps separately. */
  public static VideoFormat parse(String size, double fps) {
    String[] parts = size.toLowerCase(java.util.Locale.ROOT).split("x");
    if (parts.length != 2) throw new IllegalArgumentException("video size '" + size + "' is not WIDTHxHEIGHT");
    try {
      return new VideoFormat(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()), fps);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("video size '" + size + "' is not WIDTHxHEIGHT");
    }
  }

  /** Frame duration in µs (rounded). */
  public long frameMicros() {
    return Math.round(1_000_000 / fps);
  }

  /** Session time of frame k, µs, without drift. */
  public long frameTime(long k) {
    return Math.round(k * 1_000_000.0 / fps);
  }

  @Override
  public String toString() {
    return width + "x" + height + "@" + fps;
  }
}
