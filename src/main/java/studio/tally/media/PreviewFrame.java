package studio.tally.media;

import java.nio.IntBuffer;

/**
 * One composed picture for a preview: premultiplied ARGB ints (what JavaFX's
 * {@code PixelFormat.getIntArgbPreInstance()} expects; every pixel is opaque, so premultiplied and
 * straight ARGB are the same), rows of exactly width ints, top row first.
 *
 * <p>The buffer is the session's own and is reused for the next frame: it is valid only during
 * {@link PreviewSink#onPreview}; a consumer copies what it keeps.
 *
 * @param pixels width × height ints from position 0, native byte order
 * @param ptsMicros session time of the picture, µs
 */
public record PreviewFrame(int width, int height, IntBuffer pixels, long ptsMicros) {

  /** The pixel at (x, y) as 0xAARRGGBB. */
  public int argb(int x, int y) {
    if (x < 0 || y < 0 || x >= width || y >= height) {
      throw new IndexOutOfBoundsException("pixel " + x + "," + y + " outside " + width + "x" + height);
    }
    return pixels.get(y * width + x);
  }
}
