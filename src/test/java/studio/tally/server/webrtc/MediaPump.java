package studio.tally.server.webrtc;

/**
 * Sends a publisher's media at real-time pace on a virtual thread: Opus-sized audio every 20 ms and
 * H.264 at 25 fps with a keyframe every 10 frames, for whichever kinds it was asked for.
 */
final class MediaPump implements AutoCloseable {
  private final WhipTestPeer peer;
  private final boolean audio;
  private final boolean video;
  private final Thread thread;
  private volatile boolean running = true;

  MediaPump(WhipTestPeer peer, boolean audio, boolean video) {
    this.peer = peer;
    this.audio = audio;
    this.video = video;
    this.thread = Thread.ofVirtual().name("media-pump").start(this::run);
  }

  private void run() {
    long tick = 0;
    try {
      while (running) {
        if (audio) {
          peer.sendAudio(tick * 960);
        }
        if (video && tick % 2 == 0) {
          long frame = tick / 2;
          if (frame % 10 == 0) {
            peer.sendKeyframe(frame * 3600);
          } else {
            peer.sendDelta(frame * 3600);
          }
        }
        tick++;
        Thread.sleep(20); // media pace, not a wait for a condition
      }
    } catch (InterruptedException | RuntimeException e) {
      // stopped, or the peer closed under us
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
