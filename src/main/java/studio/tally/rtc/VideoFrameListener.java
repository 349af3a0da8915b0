package studio.tally.rtc;

/** Receives decoded frames on libwebrtc's render thread: return quickly, never block. */
@FunctionalInterface
public interface VideoFrameListener {
  void onFrame(ReceivedFrame frame);
}
