package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * CHANNEL-NUMBER (RFC 8656 §18.1), type 0x000C: the channel a ChannelBind binds, 0x4000..0x4FFF
 * ({@link ChannelData#MIN_CHANNEL}..{@link ChannelData#MAX_CHANNEL}), followed by 2 RFFU bytes.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Channel Number         |         RFFU = 0              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A number outside the range is kept (a server must answer it with 400), only its RFFU must be zero.
 */
public record ChannelNumber(int channel) implements StunAttribute {
  public ChannelNumber {
    if (channel < 0 || channel > 0xFFFF) {
      throw new IllegalArgumentException("CHANNEL-NUMBER outside 16 bits: " + channel);
    }
  }

  /** Whether the number is one a ChannelBind may bind (RFC 8656 §12). */
  public boolean inRange() {
    return channel >= ChannelData.MIN_CHANNEL && channel <= ChannelData.MAX_CHANNEL;
  }

  @Override
  public int type() {
    return CHANNEL_NUMBER;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeShort(channel).writeShort(0);
  }

  static ChannelNumber parse(ByteBuf value) {
    StunAttributes.expectLength(value, 4, "CHANNEL-NUMBER");
    int channel = value.readUnsignedShort();
    if (value.readUnsignedShort() != 0) {
      throw new StunException("stun: CHANNEL-NUMBER has non-zero RFFU bits");
    }
    return new ChannelNumber(channel);
  }
}
