package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * MAPPED-ADDRESS (RFC 8489 §14.1), type 0x0001: the reflexive address in the clear. Kept for RFC 3489
 * peers; ICE uses {@link XorMappedAddress}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |           Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Address (32 bits or 128 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Family 0x01 = IPv4 (value 8 bytes), 0x02 = IPv6 (20 bytes). The first byte is ignored on input.
 */
public record MappedAddress(StunAddress address) implements StunAttribute {
  public MappedAddress {
    if (address == null) {
      throw new IllegalArgumentException("address missing");
    }
  }

  @Override
  public int type() {
    return MAPPED_ADDRESS;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeByte(0).writeByte(address.family()).writeShort(address.port()).writeBytes(address.address());
  }

  static MappedAddress parse(ByteBuf value) {
    return new MappedAddress(readAddress(value, "MAPPED-ADDRESS"));
  }

  /** Reads family, port and address as written (no XOR). */
  static StunAddress readAddress(ByteBuf value, String field) {
    if (value.readableBytes() < 4) {
      throw new StunException("stun: " + field + " length " + value.readableBytes() + ", expected 8 or 20");
    }
    value.skipBytes(1);
    int family = value.readUnsignedByte();
    int port = value.readUnsignedShort();
    int size = switch (family) {
      case StunAddress.FAMILY_IPV4 -> 4;
      case StunAddress.FAMILY_IPV6 -> 16;
      default -> throw new StunException("stun: " + field + " family " + family + " is neither 1 (IPv4) nor 2 (IPv6)");
    };
    if (value.readableBytes() != size) {
      throw new StunException("stun: " + field + " length " + (value.readableBytes() + 4)
          + ", expected " + (size + 4) + " for family " + family);
    }
    byte[] address = new byte[size];
    value.readBytes(address);
    return new StunAddress(address, port);
  }
}
