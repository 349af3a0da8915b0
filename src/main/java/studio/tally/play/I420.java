package studio.tally.play;

import java.nio.ByteBuffer;

/** I420 (BT.601 limited range, what libwebrtc's decoders give) to ARGB ints, for a window; pure. */
public final class I420 {
  private I420() {}

  /** Converts into out (at least width × height), rows of exactly width, 0xAARRGGBB. */
  public static void toArgb(int width, int height, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v,
      int strideV, int[] out) {
    if (out.length < width * height) throw new IllegalArgumentException("need " + width * height + " ints, got " + out.length);
    for (int row = 0; row < height; row++) {
      int yRow = row * strideY;
      int cRow = (row >> 1);
      for (int col = 0; col < width; col++) {
        int c = (y.get(yRow + col) & 0xFF) - 16;
        int d = (u.get(cRow * strideU + (col >> 1)) & 0xFF) - 128;
        int e = (v.get(cRow * strideV + (col >> 1)) & 0xFF) - 128;
        int r = clamp((298 * c + 409 * e + 128) >> 8);
        int g = clamp((298 * c - 100 * d - 208 * e + 128) >> 8);
        int b = clamp((298 * c + 516 * d + 128) >> 8);
        out[row * width + col] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
