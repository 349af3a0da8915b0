package studio.tally.proto.signaling;

import studio.tally.proto.ProtocolException;

/** A frame that is not signaling JSON, or a field of the wrong type; the message names the field. */
public class SignalingException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public SignalingException(String message) {
    this(message, null, false);
  }

  private final boolean notJson;

  public SignalingException(String message, Throwable cause) {
    this(message, cause, false);
  }

  SignalingException(String message, Throwable cause, boolean notJson) {
    super("signaling: " + message, cause);
    this.notJson = notJson;
  }

  /** True when the frame is not JSON at all (rather than JSON of the wrong shape). */
  public boolean notJson() {
    return notJson;
  }
}
