package studio.tally.rtc;

import java.nio.ByteBuffer;

/**
 * A decoded picture as libwebrtc hands it over: I420 planes with their strides. The buffers are native
 * memory owned by libwebrtc and valid only during {@link VideoFrameListener#onFrame}; copy what you keep.
 *
 * @param timestampNs libwebrtc's render timestamp
 * @param receivedNanos {@link System#nanoTime()} when the frame reached us
 */
public record ReceivedFrame(int width, int height, long timestampNs, long receivedNanos,
    ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV) {

  /** Luma sample at (x, line). */
  public int luma(int x, int line) {
    return y.get(line * strideY + x) & 0xFF;
  }
}
