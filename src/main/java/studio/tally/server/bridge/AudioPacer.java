package studio.tally.server.bridge;

import java.util.ArrayDeque;

/**
 * When each transcoded audio packet leaves, so that they leave evenly, one per packet duration on their
 * media clock, instead of in the lumps the transcoder yields them in. An AAC unit is 1024 samples
 * (21.3 ms at 48 kHz), an Opus packet 960 (20 ms): most AAC units yield one packet, one in 15 yields two at
 * once, and the packets are ready 0-21 ms after their nominal time in a saw-tooth. A receiver's jitter
 * buffer sizes itself to that spread. Here each packet leaves at its stream time plus the largest
 * readiness lag of the last {@link #WINDOW_MILLIS} (never before it is ready, never before the packet
 * before it), so the spread is taken out at the sender. Pure arithmetic on times the caller gives (ms on
 * the bridge's monotonic clock); not thread-safe.
 */
final class AudioPacer {
  /** How long a lag counts towards the send delay: longer than the saw-tooth's period (320 ms). */
  static final long WINDOW_MILLIS = 2000;

  /** Lags of the window, largest first among those still counting (a monotonic queue: {time, lag}). */
  private final ArrayDeque<double[]> maxima = new ArrayDeque<>();
  private double lastSendAt = Double.NEGATIVE_INFINITY;

  /**
   * When a packet ready at {@code nowMillis}, whose stream time is {@code nominalMillis} on the same clock,
   * should leave (>= nowMillis).
   */
  double sendAt(double nominalMillis, double nowMillis) {
    double lag = nowMillis - nominalMillis;
    while (!maxima.isEmpty() && maxima.peekLast()[1] <= lag) {
      maxima.pollLast();
    }
    maxima.addLast(new double[] {nowMillis, lag});
    while (maxima.peekFirst()[0] < nowMillis - WINDOW_MILLIS) {
      maxima.pollFirst();
    }
    double at = Math.max(nominalMillis + maxima.peekFirst()[1], lastSendAt);
    lastSendAt = at;
    return at;
  }

  /** The send delay now (ms after the stream time), for the counters; 0 before the first packet. */
  double delayMillis() {
    return maxima.isEmpty() ? 0 : maxima.peekFirst()[1];
  }
}
