package studio.tally.server.hub;

import java.util.function.LongSupplier;

/**
 * Rate of a growing byte counter over about the last 30 s (SRS's {@code kbps.*_30s}), from samples
 * the server takes every few seconds. Thread-safe; cheap to sample.
 */
public final class ByteRate {
  private static final int SLOTS = 8;
  private final LongSupplier counter;
  private final long[] bytes = new long[SLOTS];
  private final long[] nanos = new long[SLOTS];
  private int next;
  private int filled;

  public ByteRate(LongSupplier counter) {
    this.counter = counter;
  }

  public synchronized void sample(long nowNanos) {
    bytes[next] = counter.getAsLong();
    nanos[next] = nowNanos;
    next = (next + 1) % SLOTS;
    filled = Math.min(filled + 1, SLOTS);
  }

  /** Kilobits per second between the oldest sample within 30 s and now. */
  public synchronized long kbps(long nowNanos) {
    long current = counter.getAsLong();
    long bestBytes = -1;
    long bestNanos = 0;
    for (int i = 0; i < filled; i++) {
      long age = nowNanos - nanos[i];
      if (age > 0 && age <= 31_000_000_000L && (bestBytes < 0 || nanos[i] < bestNanos)) {
        bestBytes = bytes[i];
        bestNanos = nanos[i];
      }
    }
    if (bestBytes < 0) {
      return 0;
    }
    long elapsedMs = Math.max(1, (nowNanos - bestNanos) / 1_000_000);
    return (current - bestBytes) * 8 / elapsedMs;
  }
}
