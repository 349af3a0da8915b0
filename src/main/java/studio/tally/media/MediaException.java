package studio.tally.media;

/** A media operation failed; the message names what was attempted and, when FFmpeg failed, its reason. */
public class MediaException extends RuntimeException {
  public MediaException(String message) {
    super(message);
  }

  public MediaException(String message, Throwable cause) {
    super(message, cause);
  }
}
