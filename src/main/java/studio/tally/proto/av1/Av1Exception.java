package studio.tally.proto.av1;

import studio.tally.proto.ProtocolException;

/** Malformed AV1 configuration records or OBUs. */
public class Av1Exception extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public Av1Exception(String message) {
    super(message);
  }

  public Av1Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
