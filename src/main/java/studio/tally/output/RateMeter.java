package studio.tally.output;

import java.util.ArrayDeque;

/**
 * Bytes and video frames over a sliding window (2 s), for bitrate and fps: what a destination wrote,
 * or what the studio's encoder produced. Thread-safe.
 */
public final class RateMeter {
  private static final long WINDOW_NANOS = 2_000_000_000L;

  private record Sample(long nanos, int bytes, boolean videoFrame) {}

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private long bytesInWindow;
  private int framesInWindow;
  private long firstNanos = -1;

  public synchronized void record(long nanos, int bytes, boolean videoFrame) {
    if (firstNanos < 0) firstNanos = nanos;
    samples.add(new Sample(nanos, bytes, videoFrame));
    bytesInWindow += bytes;
    if (videoFrame) framesInWindow++;
    prune(nanos);
  }

  public synchronized double kbps(long now) {
    prune(now);
    return bytesInWindow * 8.0 / 1000 / seconds(now);
  }

  public synchronized double fps(long now) {
    prune(now);
    return framesInWindow / seconds(now);
  }

  private double seconds(long now) {
    long span = firstNanos < 0 ? WINDOW_NANOS : Math.min(WINDOW_NANOS, Math.max(now - firstNanos, 250_000_000L));
    return span / 1e9;
  }

  private void prune(long now) {
    while (!samples.isEmpty() && now - samples.peek().nanos() > WINDOW_NANOS) {
      Sample s = samples.poll();
      bytesInWindow -= s.bytes();
      if (s.videoFrame()) framesInWindow--;
    }
  }
}
