package studio.tally.proto.amf;

import studio.tally.proto.ProtocolException;

/** Malformed, truncated or over-limit AMF input. The message starts with {@code "amf0: "}. */
public final class AmfException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public AmfException(String message) {
    super(message);
  }
}
