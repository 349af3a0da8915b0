package studio.tally.server.webrtc.sfu;

import studio.tally.proto.rtp.ReportBlock;

/**
 * What we received of one RTP source, for the report block of our receiver reports (RFC 3550 §6.4.1,
 * appendix A.1, A.3, A.8): extended highest sequence number, cumulative and interval loss, interarrival
 * jitter, and the last sender report (LSR, DLSR) so the sender can compute its round-trip time.
 * One thread (the publisher's transport loop).
 */
final class ReceptionStats {
  private static final int MAX_DROPOUT = 3000;
  private static final int MAX_MISORDER = 100;

  private final int ssrc;
  private final int clockRate;
  private boolean started;
  private int maxSeq;
  private long cycles;
  private long baseSeq;
  private long received;
  private long expectedPrior;
  private long receivedPrior;
  /** RFC 3550 A.8: jitter in timestamp units, scaled by 16. */
  private long jitterQ4;
  private long lastTransit;
  private boolean haveTransit;
  private long lastSrCompactNtp;
  private long lastSrArrivalMicros = -1;

  ReceptionStats(int ssrc, int clockRate) {
    this.ssrc = ssrc;
    this.clockRate = clockRate;
  }

  int ssrc() {
    return ssrc;
  }

  /**
   * One packet of this source, arriving at {@code arrivalMicros} (any monotonic clock in µs);
   * {@code forJitter} false for a retransmission, whose late arrival is no jitter.
   */
  void received(int sequence, long rtpTimestamp, long arrivalMicros, boolean forJitter) {
    int seq = sequence & 0xFFFF;
    if (!started) {
      started = true;
      baseSeq = seq;
      maxSeq = seq;
    } else {
      int delta = (seq - maxSeq) & 0xFFFF;
      if (delta < MAX_DROPOUT) {
        if (seq < maxSeq) {
          cycles += 1 << 16;
        }
        maxSeq = seq;
      } else if (delta <= 0xFFFF - MAX_MISORDER) {
        // a large jump: a restarted sender; start over from here (RFC 3550 A.1 waits for a second packet)
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
      }
      // else: reordered or duplicate, counted as received
    }
    received++;
    if (!forJitter) {
      return;
    }
    long arrival = arrivalMicros * clockRate / 1_000_000;
    long transit = arrival - (rtpTimestamp & 0xFFFFFFFFL);
    if (haveTransit) {
      long d = Math.abs(transit - lastTransit);
      jitterQ4 += d - ((jitterQ4 + 8) >> 4);
    }
    lastTransit = transit;
    haveTransit = true;
  }

  /** A sender report of this source arrived. */
  void senderReport(long compactNtp, long arrivalMicros) {
    lastSrCompactNtp = compactNtp & 0xFFFFFFFFL;
    lastSrArrivalMicros = arrivalMicros;
  }

  boolean hasPackets() {
    return started;
  }

  /** The report block as of now; starts the next loss interval. */
  ReportBlock report(long nowMicros) {
    long extendedMax = cycles + maxSeq;
    long expected = extendedMax - baseSeq + 1;
    long lost = expected - received;
    long expectedInterval = expected - expectedPrior;
    long receivedInterval = received - receivedPrior;
    expectedPrior = expected;
    receivedPrior = received;
    long lostInterval = expectedInterval - receivedInterval;
    int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    long dlsr = lastSrArrivalMicros < 0 ? 0 : (nowMicros - lastSrArrivalMicros) * 65536 / 1_000_000;
    return new ReportBlock(ssrc, fraction, (int) Math.max(-0x800000, Math.min(0x7fffff, lost)),
        extendedMax & 0xFFFFFFFFL, jitterQ4 >> 4, lastSrArrivalMicros < 0 ? 0 : lastSrCompactNtp,
        dlsr & 0xFFFFFFFFL);
  }
}
