package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * UNKNOWN-ATTRIBUTES (RFC 8489 §14.13), type 0x000A: in a 420 error response, the comprehension-required
 * attribute types the server did not understand.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Attribute 1 Type         |       Attribute 2 Type        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Attribute 3 Type         |       Attribute 4 Type    ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record UnknownAttributes(List<Integer> types) implements StunAttribute {
  public UnknownAttributes {
    types = List.copyOf(types);
    for (int t : types) {
      if (t < 0 || t > 0xFFFF) {
        throw new IllegalArgumentException("attribute type outside 16 bits: " + t);
      }
    }
  }

  @Override
  public int type() {
    return UNKNOWN_ATTRIBUTES;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    types.forEach(out::writeShort);
  }

  static UnknownAttributes parse(ByteBuf value) {
    if (value.readableBytes() % 2 != 0) {
      throw new StunException("stun: UNKNOWN-ATTRIBUTES length " + value.readableBytes() + " is odd");
    }
    List<Integer> types = new ArrayList<>();
    while (value.isReadable()) {
      types.add(value.readUnsignedShort());
    }
    return new UnknownAttributes(types);
  }
}
