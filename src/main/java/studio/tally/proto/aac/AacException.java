package studio.tally.proto.aac;

import studio.tally.proto.ProtocolException;

/** Malformed or reserved values in an MPEG-4 audio configuration. */
public class AacException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public AacException(String message) {
    super(message);
  }

  public AacException(String message, Throwable cause) {
    super(message, cause);
  }
}
