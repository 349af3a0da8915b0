package studio.tally.signaling;

import studio.tally.proto.signaling.SignalingError;

/**
 * A request that failed: refused by the server ({@link #error} says why), timed out, or lost with its
 * socket ({@link #error} null).
 */
public final class SignalingClientException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient SignalingError error;

  public SignalingClientException(String message) {
    this(null, message, null);
  }

  public SignalingClientException(SignalingError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  /** The server's error code, or null for a transport problem. */
  public SignalingError error() {
    return error;
  }
}
