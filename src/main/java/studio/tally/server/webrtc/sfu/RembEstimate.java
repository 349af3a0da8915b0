package studio.tally.server.webrtc.sfu;

/**
 * The bitrate a REMB (draft-alvestrand-rmcat-remb) announces to a publisher that negotiated
 * {@code goog-remb} but not transport-cc: a loss-based rate follower, updated once per window. With
 * little loss it offers 1.5 × what arrived plus a step, so the sender can grow about 50 % a window;
 * with heavy loss it asks for less than what arrived; in between it holds. Not a delay-based estimator
 * (that is the publisher's job with transport-cc, which is preferred whenever it is offered). Not
 * thread-safe: used on the publisher's event loop.
 */
final class RembEstimate {
  static final long MIN_BPS = 150_000;
  static final long MAX_BPS = 20_000_000;
  private static final long STEP_BPS = 100_000;

  private long bytes;
  private long packets;
  private long lost;
  private long windowStart = -1;
  private long estimate = 300_000;

  /** A media packet of {@code length} bytes arrived. */
  void received(int length) {
    bytes += length;
    packets++;
  }

  /** {@code n} packets found missing (gaps in sequence numbers). */
  void lost(int n) {
    lost += n;
  }

  /** Closes the window at {@code nowMicros} and returns the new estimate in bits per second. */
  long update(long nowMicros) {
    if (windowStart < 0) {
      windowStart = nowMicros;
      return estimate;
    }
    long elapsed = nowMicros - windowStart;
    if (elapsed <= 0) {
      return estimate;
    }
    long rate = bytes * 8 * 1_000_000 / elapsed;
    double loss = packets + lost == 0 ? 0 : (double) lost / (packets + lost);
    if (loss > 0.10) {
      estimate = (long) (rate * (1 - loss / 2));
    } else if (loss < 0.02) {
      estimate = Math.max(estimate, rate * 3 / 2 + STEP_BPS);
    }
    estimate = Math.clamp(estimate, MIN_BPS, MAX_BPS);
    bytes = 0;
    packets = 0;
    lost = 0;
    windowStart = nowMicros;
    return estimate;
  }
}
