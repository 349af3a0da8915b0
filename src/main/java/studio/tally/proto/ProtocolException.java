package studio.tally.proto;

/**
 * Bad input on the wire. Every codec in {@code studio.tally.proto} turns malformed, truncated or
 * over-limit input into a subclass of this exception, with a short message naming the protocol and
 * the field (for example {@code "rtmp: chunk size 0 out of range 1..16777215"}), never into a stray
 * {@link IndexOutOfBoundsException} or similar.
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
