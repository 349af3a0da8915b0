package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * REQUESTED-TRANSPORT (RFC 8656 §18.7), type 0x0019: the protocol between the TURN server and the
 * peers, an IANA protocol number (17 = UDP, the only one RFC 8656 defines) followed by 3 RFFU bytes.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Protocol   |                    RFFU                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * RFFU must be sent as zero; a non-zero RFFU is rejected so that decode → encode is lossless.
 */
public record RequestedTransport(int protocol) implements StunAttribute {
  public static final int UDP = 17;

  public RequestedTransport {
    if (protocol < 0 || protocol > 0xFF) {
      throw new IllegalArgumentException("REQUESTED-TRANSPORT protocol outside 0..255: " + protocol);
    }
  }

  @Override
  public int type() {
    return REQUESTED_TRANSPORT;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeByte(protocol).writeMedium(0);
  }

  static RequestedTransport parse(ByteBuf value) {
    StunAttributes.expectLength(value, 4, "REQUESTED-TRANSPORT");
    int protocol = value.readUnsignedByte();
    if (value.readUnsignedMedium() != 0) {
      throw new StunException("stun: REQUESTED-TRANSPORT has non-zero RFFU bits");
    }
    return new RequestedTransport(protocol);
  }
}
