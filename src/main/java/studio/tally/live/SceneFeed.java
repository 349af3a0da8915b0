package studio.tally.live;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;

/**
 * The studio's scene as a call's video: the preview thread leaves each picture here (one copy, the
 * latest wins, so a call never holds up the window's preview), and the call's source thread takes the
 * newest one and converts it to I420 (BT.601 limited range, what libwebrtc's encoders expect and the
 * inverse of what {@code play.I420} shows). Pictures keep the preview's size (its width is a
 * multiple of 32, its height even).
 */
final class SceneFeed implements PreviewListener {
  /** Receives one picture: ARGB for a window, I420 planes for the call; valid only during the call. */
  interface Sink {
    void accept(int width, int height, int[] argb, ByteBuffer y, ByteBuffer u, ByteBuffer v);
  }

  private final Object lock = new Object();
  private int[] back = new int[0]; // preview thread, under lock
  private int backWidth;
  private int backHeight;
  private boolean fresh;
  private int[] front = new int[0]; // source thread
  private ByteBuffer y = ByteBuffer.allocate(0);
  private ByteBuffer u = ByteBuffer.allocate(0);
  private ByteBuffer v = ByteBuffer.allocate(0);

  @Override
  public void onFrame(int width, int height, IntBuffer argb, long ptsMicros) {
    int w = width & ~1;
    int h = height & ~1;
    if (w < 2 || h < 2 || argb.remaining() < width * height) return;
    synchronized (lock) {
      if (back.length != w * h) back = new int[w * h];
      IntBuffer src = argb.duplicate();
      int base = src.position();
      for (int row = 0; row < h; row++) {
        src.get(base + row * width, back, row * w, w);
      }
      backWidth = w;
      backHeight = h;
      fresh = true;
    }
  }

  /** Source thread: the newest picture since the last call, converted; false when none came. */
  boolean take(Sink sink) {
    int w;
    int h;
    synchronized (lock) {
      if (!fresh) return false;
      int[] t = front;
      front = back;
      back = t;
      w = backWidth;
      h = backHeight;
      fresh = false;
    }
    if (y.capacity() != w * h) {
      y = ByteBuffer.allocate(w * h);
      u = ByteBuffer.allocate(w * h / 4);
      v = ByteBuffer.allocate(w * h / 4);
    }
    toI420(front, w, h, y.array(), u.array(), v.array());
    sink.accept(w, h, front, y, u, v);
    return true;
  }

  /** ARGB (opaque) to I420, chroma from the mean of each 2x2 block; width and height even. */
  static void toI420(int[] argb, int width, int height, byte[] y, byte[] u, byte[] v) {
    for (int row = 0; row < height; row += 2) {
      for (int col = 0; col < width; col += 2) {
        int sr = 0;
        int sg = 0;
        int sb = 0;
        for (int dy = 0; dy < 2; dy++) {
          for (int dx = 0; dx < 2; dx++) {
            int i = (row + dy) * width + col + dx;
            int p = argb[i];
            int r = p >> 16 & 0xFF;
            int g = p >> 8 & 0xFF;
            int b = p & 0xFF;
            y[i] = (byte) (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
            sr += r;
            sg += g;
            sb += b;
          }
        }
        int r = sr >> 2;
        int g = sg >> 2;
        int b = sb >> 2;
        int c = (row >> 1) * (width >> 1) + (col >> 1);
        u[c] = (byte) (((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
        v[c] = (byte) (((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
      }
    }
  }
}
