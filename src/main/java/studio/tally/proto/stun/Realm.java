package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * REALM (RFC 8489 §14.9): the long-term credential realm, UTF-8, fewer than 764 bytes, padded to 4.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = REALM                  | Length (bytes of text)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             UTF-8 text (variable)                 ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Realm(String value) implements StunAttribute {
  static final int MAX_BYTES = 763;

  public Realm {
    StunAttributes.utf8(value, "REALM", MAX_BYTES);
  }

  @Override
  public int type() {
    return 0x0014;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(StunAttributes.utf8(value, "REALM", MAX_BYTES));
  }
}
