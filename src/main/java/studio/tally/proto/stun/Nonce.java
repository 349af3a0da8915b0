package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * NONCE (RFC 8489 §14.10): the server's nonce for long-term credentials, UTF-8, fewer than 764 bytes, padded to 4.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = NONCE                  | Length (bytes of text)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             UTF-8 text (variable)                 ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Nonce(String value) implements StunAttribute {
  static final int MAX_BYTES = 763;

  public Nonce {
    StunAttributes.utf8(value, "NONCE", MAX_BYTES);
  }

  @Override
  public int type() {
    return 0x0015;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(StunAttributes.utf8(value, "NONCE", MAX_BYTES));
  }
}
