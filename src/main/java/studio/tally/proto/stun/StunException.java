package studio.tally.proto.stun;

import studio.tally.proto.ProtocolException;

/**
 * Malformed STUN message, attribute or RFC 4571 frame; the message names the field, for example
 * {@code "stun: FINGERPRINT mismatch"} or {@code "stun: XOR-MAPPED-ADDRESS family 3 is neither 1 nor 2"}.
 */
public class StunException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public StunException(String message) {
    super(message);
  }

  public StunException(String message, Throwable cause) {
    super(message, cause);
  }
}
