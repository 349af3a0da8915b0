package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * USERNAME (RFC 8489 §14.3): the user name of a short-term (ICE: "remoteUfrag:localUfrag") or long-term credential, UTF-8, fewer than 513 bytes, padded to 4.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = USERNAME               | Length (bytes of text)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             UTF-8 text (variable)                 ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Username(String value) implements StunAttribute {
  static final int MAX_BYTES = 512;

  public Username {
    StunAttributes.utf8(value, "USERNAME", MAX_BYTES);
  }

  @Override
  public int type() {
    return 0x0006;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(StunAttributes.utf8(value, "USERNAME", MAX_BYTES));
  }
}
