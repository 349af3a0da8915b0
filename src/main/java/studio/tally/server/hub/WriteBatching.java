package studio.tally.server.hub;

import java.time.Duration;

/**
 * How long media waits before it is written to the players of one event loop (SRS's "merged
 * write"): one flush per player per batch instead of one per tag. A flush is a {@code writev} and a
 * trip through Netty's outbound buffer, so its cost is paid per player per batch whatever the
 * bitrate; batching trades players' delay for that cost.
 */
public sealed interface WriteBatching {

  /** SRS's merged-write delay: the longest batch the adaptive policy uses. */
  Duration SRS_BATCH = Duration.ofMillis(350);

  /**
   * Flushes per second one event loop may spend on its players before batches grow: 2500 writev
   * calls at ~5 µs each (inferred from the FLV fan-out bench: per-player CPU at 40 ms vs 350 ms
   * batches) hold a loop's flush overhead near 1.3 % of a core. With 2 loops that is 40 ms at 200 players (the former fixed batch), 200 ms at 1000,
   * and SRS's 350 ms from 1750 players on.
   */
  int DEFAULT_FLUSHES_PER_SECOND = 2500;

  /** The default: adaptive up to SRS's batch. */
  WriteBatching DEFAULT = new Adaptive(SRS_BATCH, DEFAULT_FLUSHES_PER_SECOND);

  /**
   * The batch for a loop that serves {@code playersOnLoop} players (of every stream), in
   * nanoseconds; 0 means each tag is written at once.
   */
  long batchNanos(int playersOnLoop);

  /** Pinned: every loop batches this long whatever its load (0 = each tag at once). */
  record Fixed(Duration batch) implements WriteBatching {
    public Fixed {
      if (batch.isNegative()) {
        throw new IllegalArgumentException("batch must not be negative: " + batch);
      }
    }

    @Override
    public long batchNanos(int playersOnLoop) {
      return batch.toNanos();
    }
  }

  /**
   * The batch grows with the number of players on the loop, so the loop's flush rate stays near
   * {@code flushesPerSecond}: batch = players / flushesPerSecond, at most {@code max}. A loop with
   * a few players writes each tag at once (under 1 ms the batch is dropped); a busy one waits up
   * to {@code max} and pays one flush per player per {@code max}.
   *
   * <p>Why players on the loop and not the loop's measured busy time: the cost batching removes is
   * one flush per player per batch, so the player count is what it scales with; it is known on the
   * loop without a clock, and it does not depend on the batch itself. A measured busy fraction
   * falls as the batch grows (that is the point of growing it), which feeds back into the batch
   * and makes it swing; a larger batch also writes more bytes per flush, so time per flush would
   * not stay put either.
   */
  record Adaptive(Duration max, int flushesPerSecond) implements WriteBatching {
    static final long AT_ONCE_BELOW_NANOS = 1_000_000;

    public Adaptive {
      if (max.isNegative() || max.isZero()) {
        throw new IllegalArgumentException("max batch must be positive: " + max);
      }
      if (flushesPerSecond <= 0) {
        throw new IllegalArgumentException("flushesPerSecond must be positive: " + flushesPerSecond);
      }
    }

    @Override
    public long batchNanos(int playersOnLoop) {
      if (playersOnLoop <= 0) {
        return 0;
      }
      long nanos = Math.min(max.toNanos(), playersOnLoop * 1_000_000_000L / flushesPerSecond);
      return nanos < AT_ONCE_BELOW_NANOS ? 0 : nanos;
    }
  }
}
