package studio.tally.proto.hevc;

import studio.tally.proto.ProtocolException;

/** Malformed H.265 parameter sets or configuration records. */
public class HevcException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public HevcException(String message) {
    super(message);
  }

  public HevcException(String message, Throwable cause) {
    super(message, cause);
  }
}
