package studio.tally.proto.rtp;

/** 16-bit RTP sequence number arithmetic (RFC 3550 §A.1, RFC 1982 serial numbers). */
public final class SeqNum {
  private SeqNum() {}

  /** True when {@code a} comes after {@code b}, within half the sequence space. */
  public static boolean isNewer(int a, int b) {
    int d = (a - b) & 0xffff;
    return d != 0 && d < 0x8000;
  }

  /** {@code a - b} as a signed distance in -32768..32767. */
  public static int distance(int a, int b) {
    return (short) (a - b);
  }

  /** Adds with wrap. */
  public static int add(int seq, int n) {
    return (seq + n) & 0xffff;
  }

  /**
   * Unwraps 16-bit sequence numbers into a monotonic 64-bit extended sequence (cycles · 65536 + seq),
   * tolerating reordering within half the space; a packet from before the first one stays at cycle 0
   * (never negative). Like RFC 3550 A.1's {@code cycles}, without the probation logic.
   * Not thread-safe.
   */
  public static final class Unwrapper {
    private boolean started;
    private long highest;

    /** The extended value of {@code seq}; advances the highest seen when newer. */
    public long unwrap(int seq) {
      seq &= 0xffff;
      if (!started) {
        started = true;
        highest = seq;
        return seq;
      }
      long ext = highest + distance(seq, (int) (highest & 0xffff));
      if (ext < 0) {
        ext += 0x10000; // older than the first packet across a wrap: keep it non-negative
      }
      if (ext > highest) {
        highest = ext;
      }
      return ext;
    }

    /** The highest extended sequence number seen, -1 before the first. */
    public long highest() {
      return started ? highest : -1;
    }
  }
}
