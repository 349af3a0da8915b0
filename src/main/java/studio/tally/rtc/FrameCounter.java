package studio.tally.rtc;

import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.util.concurrent.atomic.AtomicLong;

/** Counts decoded frames and hands each to a listener, never letting its exception reach libwebrtc. */
final class FrameCounter {
  private final VideoFrameListener listener;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong listenerErrors = new AtomicLong();

  FrameCounter(VideoFrameListener listener) {
    this.listener = listener;
  }

  void deliver(VideoFrame frame) {
    long now = System.nanoTime();
    I420Buffer b = frame.buffer.toI420();
    try {
      frames.incrementAndGet();
      listener.onFrame(new ReceivedFrame(b.getWidth(), b.getHeight(), frame.timestampNs, now,
          b.getDataY(), b.getStrideY(), b.getDataU(), b.getStrideU(), b.getDataV(), b.getStrideV()));
    } catch (RuntimeException e) {
      // never let a listener's exception unwind into libwebrtc's native render thread: counted
      listenerErrors.incrementAndGet();
    } finally {
      if (b != frame.buffer) {
        b.release();
      }
    }
  }

  long count() {
    return frames.get();
  }

  long listenerErrors() {
    return listenerErrors.get();
  }
}
