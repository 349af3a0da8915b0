package studio.tally.proto.srtp;

/**
 * The 64-packet sliding replay window of RFC 3711 §3.3.2 over a 48-bit SRTP index or a 31-bit
 * SRTCP index. {@link #check} only looks; {@link #accept} records, and is called only after the
 * packet authenticated, so forged packets cannot move the window.
 */
final class ReplayWindow {
  static final int SIZE = 64;

  private boolean empty = true;
  private long highest;
  private long mask; // bit i set: index highest - i was received

  /** Null when acceptable, else the reason it is not. */
  SrtpException.Reason check(long index) {
    if (empty || index > highest) {
      return null;
    }
    long age = highest - index;
    if (age >= SIZE) {
      return SrtpException.Reason.TOO_OLD;
    }
    return (mask & (1L << age)) != 0 ? SrtpException.Reason.REPLAY : null;
  }

  void accept(long index) {
    if (empty) {
      empty = false;
      highest = index;
      mask = 1;
    } else if (index > highest) {
      long shift = index - highest;
      mask = shift >= SIZE ? 1 : (mask << shift) | 1;
      highest = index;
    } else {
      mask |= 1L << (highest - index);
    }
  }

  boolean isEmpty() {
    return empty;
  }

  long highest() {
    return highest;
  }
}
