package studio.tally.media.session;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import studio.tally.media.EncodedPacket;

/**
 * Puts the packets of two encoders into one decode-time order before they reach a sink: a packet
 * leaves once the other track has shown a later one, or when the other track has been silent for
 * longer than maxWaitMicros (a stalled microphone must not hold video back).
 */
final class Interleaver {
  private final ArrayDeque<EncodedPacket> video = new ArrayDeque<>();
  private final ArrayDeque<EncodedPacket> audio = new ArrayDeque<>();
  private final boolean hasVideo;
  private final boolean hasAudio;
  private final long maxWaitMicros;
  private final Consumer<EncodedPacket> out;

  Interleaver(boolean hasVideo, boolean hasAudio, long maxWaitMicros, Consumer<EncodedPacket> out) {
    this.hasVideo = hasVideo;
    this.hasAudio = hasAudio;
    this.maxWaitMicros = maxWaitMicros;
    this.out = out;
  }

  void add(EncodedPacket packet) {
    (packet.isVideo() ? video : audio).add(packet);
    drain(false);
  }

  /** Emits everything held, in order. */
  void flush() {
    drain(true);
  }

  private void drain(boolean all) {
    while (true) {
      EncodedPacket v = video.peek();
      EncodedPacket a = audio.peek();
      if (v == null && a == null) return;
      if (v != null && a != null) {
        out.accept(v.dtsMicros() <= a.dtsMicros() ? video.poll() : audio.poll());
      } else if (all || (v != null ? !hasAudio || overdue(video) : !hasVideo || overdue(audio))) {
        out.accept(v != null ? video.poll() : audio.poll());
      } else {
        return;
      }
    }
  }

  private boolean overdue(ArrayDeque<EncodedPacket> queue) {
    return queue.peekLast().dtsMicros() - queue.peekFirst().dtsMicros() > maxWaitMicros;
  }
}
