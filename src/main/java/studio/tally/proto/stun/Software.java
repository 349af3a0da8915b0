package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * SOFTWARE (RFC 8489 §14.14): the agent's name and version, UTF-8, fewer than 764 bytes, padded to 4.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = SOFTWARE               | Length (bytes of text)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             UTF-8 text (variable)                 ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Software(String value) implements StunAttribute {
  static final int MAX_BYTES = 763;

  public Software {
    StunAttributes.utf8(value, "SOFTWARE", MAX_BYTES);
  }

  @Override
  public int type() {
    return 0x8022;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(StunAttributes.utf8(value, "SOFTWARE", MAX_BYTES));
  }
}
