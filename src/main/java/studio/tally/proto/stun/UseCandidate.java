package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * USE-CANDIDATE (RFC 8445 §16.1), type 0x0025, no value: the controlling agent nominates the pair
 * this check runs on. An ice-lite server selects the pair on the first check that carries it.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x0025            |         Length = 0            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record UseCandidate() implements StunAttribute {
  @Override
  public int type() {
    return USE_CANDIDATE;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    // no value
  }

  static UseCandidate parse(ByteBuf value) {
    StunAttributes.expectLength(value, 0, "USE-CANDIDATE");
    return new UseCandidate();
  }
}
