package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * XOR-MAPPED-ADDRESS (RFC 8489 §14.2), type 0x0020: the reflexive address, obfuscated so that NATs
 * rewriting addresses in payloads leave it alone. The record holds the real (un-XORed) address.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                X-Address (Variable)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * X-Port = port XOR 0x2112 (the cookie's top 16 bits); IPv4 X-Address = address XOR the magic cookie;
 * IPv6 X-Address = address XOR (magic cookie ‖ 96-bit transaction id).
 */
public record XorMappedAddress(StunAddress address) implements StunAttribute {
  public XorMappedAddress {
    if (address == null) {
      throw new IllegalArgumentException("address missing");
    }
  }

  @Override
  public int type() {
    return XOR_MAPPED_ADDRESS;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    writeXor(out, address, transactionId);
  }

  static XorMappedAddress parse(ByteBuf value, byte[] transactionId) {
    return new XorMappedAddress(readXor(value, transactionId, "XOR-MAPPED-ADDRESS"));
  }

  /** The XOR coding, shared with XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS (RFC 8656 §18.3, §18.5). */
  static void writeXor(ByteBuf out, StunAddress address, byte[] transactionId) {
    out.writeByte(0).writeByte(address.family()).writeShort(address.port() ^ (StunMessage.MAGIC_COOKIE >>> 16));
    out.writeBytes(xor(address.address(), transactionId));
  }

  static StunAddress readXor(ByteBuf value, byte[] transactionId, String field) {
    StunAddress x = MappedAddress.readAddress(value, field);
    int port = x.port() ^ (StunMessage.MAGIC_COOKIE >>> 16);
    return new StunAddress(xor(x.address(), transactionId), port);
  }

  /** XOR is its own inverse: the same mask turns addresses into X-Addresses and back. */
  private static byte[] xor(byte[] address, byte[] transactionId) {
    byte[] mask = new byte[16];
    int c = StunMessage.MAGIC_COOKIE;
    mask[0] = (byte) (c >>> 24);
    mask[1] = (byte) (c >>> 16);
    mask[2] = (byte) (c >>> 8);
    mask[3] = (byte) c;
    System.arraycopy(transactionId, 0, mask, 4, 12);
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] ^= mask[i];
    }
    return out;
  }
}
