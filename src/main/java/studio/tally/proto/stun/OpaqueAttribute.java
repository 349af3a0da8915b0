package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Any attribute this package does not model (GOOG-NETWORK-INFO 0xC057, ALTERNATE-SERVER, TURN
 * attributes, ...), kept byte for byte so that it survives a decode → encode round trip. If its type
 * is below 0x8000 (comprehension-required), a server must answer 420 listing it.
 */
public record OpaqueAttribute(int type, byte[] value) implements StunAttribute {
  public OpaqueAttribute {
    if (type < 0 || type > 0xFFFF) {
      throw new IllegalArgumentException("attribute type outside 16 bits: " + type);
    }
    if (value == null || value.length > 0xFFFF) {
      throw new IllegalArgumentException("attribute value missing or above 65535 bytes");
    }
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(value);
  }

  static OpaqueAttribute parse(int type, ByteBuf value) {
    byte[] b = new byte[value.readableBytes()];
    value.readBytes(b);
    return new OpaqueAttribute(type, b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpaqueAttribute a && a.type == type && Arrays.equals(a.value, value);
  }

  @Override
  public int hashCode() {
    return type * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "OpaqueAttribute[" + StunAttribute.name(type) + " " + HexFormat.of().formatHex(value) + "]";
  }
}
