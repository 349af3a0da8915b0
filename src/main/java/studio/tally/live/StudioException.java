package studio.tally.live;

/** A command failed; the message is meant for a streamer (no stack trace, no stream key). */
public final class StudioException extends RuntimeException {
  public StudioException(String message) {
    super(message);
  }

  public StudioException(String message, Throwable cause) {
    super(message, cause);
  }
}
