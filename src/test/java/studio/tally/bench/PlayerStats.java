package studio.tally.bench;

/**
 * What one load-generator player saw. Written on the player's event loop, read by the driver
 * (volatile: the driver samples between windows).
 */
final class PlayerStats {
  final long startNanos = System.nanoTime();
  volatile long bytes;
  volatile long videoFrames;
  /** When the first video keyframe (not a sequence header) was fully received; 0 = not yet. */
  volatile long firstKeyframeNanos;
  /** When the first media byte arrived (after the HTTP header / play start); 0 = not yet. */
  volatile long firstMediaNanos;
  volatile boolean closed;
  /**
   * Arrival time minus the tag's FLV timestamp, per video frame (HTTP-FLV players only): its minimum
   * is the path's own delay, the excess over it is what batching (and scheduling) added.
   */
  volatile long lagMinNanos = Long.MAX_VALUE;
  volatile long lagMaxNanos = Long.MIN_VALUE;
  volatile long lagSumNanos;
  volatile long lagCount;
  volatile String error;

  /** Time from start to first keyframe in ms, or NaN. */
  double ttffMillis() {
    long k = firstKeyframeNanos;
    return k == 0 ? Double.NaN : (k - startNanos) / 1e6;
  }
}
