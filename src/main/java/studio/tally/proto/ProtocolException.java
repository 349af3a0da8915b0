package studio.tally.proto;

/**
 * Malformed or unsupported bytes on the wire. Every codec in {@code studio.tally.proto} reports bad
 * input with a subclass of this (one per protocol package), naming the offending field.
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
