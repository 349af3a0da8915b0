package studio.tally.play;

/**
 * Counts freezes the way the WebRTC statistics define them (webrtc-stats freezeCount and
 * totalFreezesDuration, as libwebrtc computes them): a freeze is an inter-frame delay of at least
 * max(3 × d, d + 150 ms), where d is the mean of the recent (up to 30) inter-frame delays that were
 * not freezes themselves; its duration is that whole delay. Pure: times in, counts out.
 */
final class FreezeCounter {
  static final long MIN_INCREASE_NANOS = 150_000_000L;
  private static final int WINDOW = 30;

  private final long[] window = new long[WINDOW];
  private int size;
  private int next;
  private long windowSum;
  private long last = Long.MIN_VALUE;
  private int count;
  private long totalNanos;
  private long longestNanos;

  /** A new frame was shown at nanos (monotonic, not decreasing). */
  void frame(long nanos) {
    if (last != Long.MIN_VALUE) {
      long delay = nanos - last;
      if (size > 0 && delay >= threshold()) {
        count++;
        totalNanos += delay;
        longestNanos = Math.max(longestNanos, delay);
      } else {
        add(delay);
      }
    }
    last = nanos;
  }

  /** The smallest inter-frame delay that is a freeze now (150 ms before any delay is known). */
  long threshold() {
    if (size == 0) return MIN_INCREASE_NANOS;
    long mean = windowSum / size;
    return Math.max(3 * mean, mean + MIN_INCREASE_NANOS);
  }

  /** Freezes so far, counting a stall still going on at now (no frame since for longer than the threshold). */
  int count(long now) {
    return count + (ongoing(now) ? 1 : 0);
  }

  /** Total freeze time so far, ns, the ongoing stall included up to now. */
  long totalNanos(long now) {
    return totalNanos + (ongoing(now) ? now - last : 0);
  }

  /** The longest freeze so far, ns, the ongoing stall included. */
  long longestNanos(long now) {
    return Math.max(longestNanos, ongoing(now) ? now - last : 0);
  }

  private boolean ongoing(long now) {
    return last != Long.MIN_VALUE && now - last >= threshold();
  }

  private void add(long delay) {
    if (size == WINDOW) {
      windowSum -= window[next];
    } else {
      size++;
    }
    window[next] = delay;
    windowSum += delay;
    next = (next + 1) % WINDOW;
  }
}
