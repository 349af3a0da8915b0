package studio.tally.proto.flv;

import studio.tally.proto.ProtocolException;

/** Malformed FLV container or tag header bytes. */
public class FlvException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public FlvException(String message) {
    super(message);
  }

  public FlvException(String message, Throwable cause) {
    super(message, cause);
  }
}
