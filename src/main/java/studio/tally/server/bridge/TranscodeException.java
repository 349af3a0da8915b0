package studio.tally.server.bridge;

/** A transcoder that cannot open, or a unit it cannot decode; the message says which and why. */
public final class TranscodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public TranscodeException(String message) {
    super(message);
  }

  public TranscodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
