package studio.tally.proto.bits;

import studio.tally.proto.ProtocolException;

/** A bit-level syntax element ran past the end of its buffer or is out of range. */
public class BitstreamException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public BitstreamException(String message) {
    super(message);
  }
}
