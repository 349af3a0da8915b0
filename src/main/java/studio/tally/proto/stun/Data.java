package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * DATA (RFC 8656 §18.4), type 0x0013: the application bytes of a Send or Data indication (the UDP
 * payload to or from the peer), padded to 4 like every attribute.
 */
public record Data(byte[] bytes) implements StunAttribute {
  public Data {
    if (bytes == null || bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("DATA missing or above 65535 bytes");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The length without copying. */
  public int length() {
    return bytes.length;
  }

  @Override
  public int type() {
    return DATA;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeBytes(bytes);
  }

  static Data parse(ByteBuf value) {
    byte[] b = new byte[value.readableBytes()];
    value.readBytes(b);
    return new Data(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Data d && Arrays.equals(d.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Data[" + bytes.length + " bytes]";
  }
}
