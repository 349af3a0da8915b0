package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), type 0x001C: HMAC-SHA256 computed like
 * {@link MessageIntegrity}, possibly truncated to 16..32 bytes in steps of 4. Only FINGERPRINT may
 * follow it. Checked by {@link StunIntegrity#verifyIntegritySha256}.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x001C            |    Length = 16, 20, ... 32    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           HMAC-SHA256, leading Length bytes                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MessageIntegritySha256(byte[] hmac) implements StunAttribute {
  public MessageIntegritySha256 {
    if (hmac == null || !validLength(hmac.length)) {
      throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 must be 16..32 bytes, a multiple of 4");
    }
    hmac = hmac.clone();
  }

  static boolean validLength(int n) {
    return n >= 16 && n <= 32 && n % 4 == 0;
  }

  @Override
  public byte[] hmac() {
    return hmac.clone();
  }

  @Override
  public int type() {
    return MESSAGE_INTEGRITY_SHA256;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(hmac);
  }

  static MessageIntegritySha256 parse(ByteBuf value) {
    int n = value.readableBytes();
    if (!validLength(n)) {
      throw new StunException("stun: MESSAGE-INTEGRITY-SHA256 length " + n + " is not 16..32 in steps of 4");
    }
    byte[] b = new byte[n];
    value.readBytes(b);
    return new MessageIntegritySha256(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageIntegritySha256 m && Arrays.equals(m.hmac, hmac);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hmac);
  }

  @Override
  public String toString() {
    return "MessageIntegritySha256[" + HexFormat.of().formatHex(hmac) + "]";
  }
}
