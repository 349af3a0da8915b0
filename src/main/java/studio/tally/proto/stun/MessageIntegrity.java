package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5), type 0x0008: HMAC-SHA1 (20 bytes) over the message up to, not
 * including, this attribute, with the header's length field set as if the message ended right after
 * it. Key: the ICE password (short-term credential, §9.1.1) or MD5(username ":" realm ":" password)
 * (long-term, §9.2.2). Only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow it; anything else
 * after it is ignored. Computed by {@link StunMessage.Builder}, checked by
 * {@link StunIntegrity#verifyIntegrity}.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x0008            |         Length = 20           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    HMAC-SHA1 (160 bits)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MessageIntegrity(byte[] hmac) implements StunAttribute {
  public static final int LENGTH = 20;

  public MessageIntegrity {
    if (hmac == null || hmac.length != LENGTH) {
      throw new IllegalArgumentException("MESSAGE-INTEGRITY must be 20 bytes");
    }
    hmac = hmac.clone();
  }

  @Override
  public byte[] hmac() {
    return hmac.clone();
  }

  @Override
  public int type() {
    return MESSAGE_INTEGRITY;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(hmac);
  }

  static MessageIntegrity parse(ByteBuf value) {
    StunAttributes.expectLength(value, LENGTH, "MESSAGE-INTEGRITY");
    byte[] b = new byte[LENGTH];
    value.readBytes(b);
    return new MessageIntegrity(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageIntegrity m && Arrays.equals(m.hmac, hmac);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hmac);
  }

  @Override
  public String toString() {
    return "MessageIntegrity[" + HexFormat.of().formatHex(hmac) + "]";
  }
}
