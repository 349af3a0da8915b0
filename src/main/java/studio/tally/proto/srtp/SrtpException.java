package studio.tally.proto.srtp;

import studio.tally.proto.ProtocolException;

/**
 * A packet that SRTP/SRTCP refuses: too short, malformed header, authentication failure, replay or
 * too old for the replay window. {@link #reason()} says which, so a session can count them apart
 * (a burst of {@link Reason#AUTH} means wrong keys; {@link Reason#REPLAY} is normal under
 * duplication). The packet buffer's contents are unspecified after a failure; drop it.
 */
public class SrtpException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /** Why a packet was refused. */
  public enum Reason {
    /** Shorter than header + tag, or a header field runs past the packet. */
    MALFORMED,
    /** The authentication tag (HMAC-SHA1 or GCM tag) did not verify. */
    AUTH,
    /** Already received (bit set in the replay window). */
    REPLAY,
    /** Older than the 64-packet replay window, or before the stream's first packet. */
    TOO_OLD,
    /** The sender ran out of indexes (2^48 SRTP or 2^31 SRTCP packets): rekey. */
    EXHAUSTED
  }

  private final Reason reason;

  public SrtpException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
