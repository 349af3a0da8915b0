package studio.tally.play;

/**
 * What a probe checks; null = not checked.
 *
 * @param fps the stream must run at least 90 % of this (a 30 fps expectation passes from 27 fps)
 * @param maxLatencyMs the median glass-to-glass latency must not exceed this (needs the time code)
 * @param minKbps the media bitrate must reach this
 * @param maxFreezes at most this many freezes
 */
public record ProbeExpectations(Double fps, Long maxLatencyMs, Double minKbps, Integer maxFreezes) {
  /** Share of the expected fps a stream must reach: encoders and servers are a frame or two off per second. */
  public static final double FPS_TOLERANCE = 0.9;

  public static ProbeExpectations none() {
    return new ProbeExpectations(null, null, null, null);
  }
}
