package studio.tally.rtc;

import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.nio.ByteBuffer;

/** Copies an I420 picture into a native buffer and pushes it into a video source. */
final class FramePush {
  private FramePush() {}

  static void push(CustomVideoSource source, int width, int height, ByteBuffer y, int strideY, ByteBuffer u, int strideU,
      ByteBuffer v, int strideV, long timestampNs) {
    if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
      throw new IllegalArgumentException("I420 frame size must be positive and even, got " + width + "x" + height);
    }
    NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
    copyPlane(y, strideY, buffer.getDataY(), buffer.getStrideY(), width, height);
    copyPlane(u, strideU, buffer.getDataU(), buffer.getStrideU(), width / 2, height / 2);
    copyPlane(v, strideV, buffer.getDataV(), buffer.getStrideV(), width / 2, height / 2);
    VideoFrame frame = new VideoFrame(buffer, timestampNs);
    try {
      source.pushFrame(frame);
    } finally {
      frame.release();
    }
  }

  private static void copyPlane(ByteBuffer src, int srcStride, ByteBuffer dst, int dstStride, int width, int height) {
    if (srcStride < width || src.capacity() < (long) srcStride * (height - 1) + width) {
      throw new IllegalArgumentException("plane of " + src.capacity() + " bytes with stride " + srcStride
          + " is too small for " + width + "x" + height);
    }
    for (int line = 0; line < height; line++) {
      dst.put(line * dstStride, src, line * srcStride, width);
    }
  }
}
