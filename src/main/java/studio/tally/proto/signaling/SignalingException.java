package studio.tally.proto.signaling;

import studio.tally.proto.ProtocolException;

/** A frame that is not signaling JSON, or a field of the wrong type; the message names the field. */
public class SignalingException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public SignalingException(String message) {
    super("signaling: " + message);
  }

  public SignalingException(String message, Throwable cause) {
    super("signaling: " + message, cause);
  }
}
