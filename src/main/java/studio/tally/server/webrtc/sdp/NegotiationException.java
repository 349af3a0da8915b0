package studio.tally.server.webrtc.sdp;

import studio.tally.proto.ProtocolException;

/**
 * An offer the server cannot answer. The message says what was wrong and, where it helps, what the
 * offer contained, e.g. {@code "player cannot decode H264 42e01f; it offered: VP8, VP9"}. An HTTP
 * handler maps every reason to 400 (or 406 for {@link Reason#NO_COMMON_CODEC}) with the message as body.
 */
public class NegotiationException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem, for status codes and counters. */
  public enum Reason {
    /** Not SDP, or an attribute breaks its grammar. */
    MALFORMED_SDP,
    /** No audio or video m-line the server can take. */
    NO_MEDIA,
    /** An m-line without {@code a=rtcp-mux}. */
    NO_RTCP_MUX,
    /** {@code a=setup:passive} or {@code holdconn}: the server is always the DTLS server. */
    BAD_SETUP,
    /** Missing ice-ufrag or ice-pwd. */
    BAD_ICE,
    /** Missing fingerprint, unknown hash function, or a digest of the wrong length. */
    BAD_FINGERPRINT,
    /** The direction of an m-line does not fit the role (e.g. recvonly in a WHIP offer). */
    BAD_DIRECTION,
    /** The peer offered no codec the server can send or receive on a required m-line. */
    NO_COMMON_CODEC
  }

  private final Reason reason;

  public NegotiationException(Reason reason, String message) {
    super("sdp negotiation: " + message);
    this.reason = reason;
  }

  public NegotiationException(Reason reason, String message, Throwable cause) {
    super("sdp negotiation: " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
