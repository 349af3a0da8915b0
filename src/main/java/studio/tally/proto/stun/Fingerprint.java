package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * FINGERPRINT (RFC 8489 §14.7), type 0x8028: CRC-32 (ISO/IEEE 802.3, as {@link java.util.zip.CRC32})
 * of the message up to this attribute, XOR 0x5354554E, with the header length already covering it.
 * Must be the last attribute. {@link StunMessage#parse} checks it whenever it is present.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x8028            |         Length = 4            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 CRC-32 XOR 0x5354554E                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param crc the value as on the wire (already XORed), unsigned 32 bits
 */
public record Fingerprint(long crc) implements StunAttribute {
  public static final long XOR = 0x5354554EL;

  public Fingerprint {
    if (crc < 0 || crc > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("FINGERPRINT outside 32 bits: " + crc);
    }
  }

  @Override
  public int type() {
    return FINGERPRINT;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeInt((int) crc);
  }

  static Fingerprint parse(ByteBuf value) {
    return new Fingerprint(StunAttributes.uint32(value, "FINGERPRINT"));
  }
}
