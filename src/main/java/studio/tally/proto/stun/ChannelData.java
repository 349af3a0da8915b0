package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * A TURN ChannelData message (RFC 8656 §12.4): application data to or from the peer bound to a
 * channel, with a 4-byte header instead of a 36-byte Send/Data indication.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * /                       Application Data                        /
 * /                                                               /
 * |                               +-------------------------------+
 * |                               |
 * +-------------------------------+
 * </pre>
 * Channel numbers are 0x4000..0x4FFF (the first byte 0x40..0x4F, which RFC 7983 demultiplexes as a
 * TURN channel). Length counts the data without padding. Over UDP the datagram may carry padding up
 * to a multiple of 4 after the data (ignored); over TCP the padding is mandatory (RFC 8656 §12.5).
 * {@link #encode} writes no padding (UDP), {@link #encodePadded} pads (TCP, TLS).
 */
public final class ChannelData {
  public static final int HEADER_LENGTH = 4;
  public static final int MIN_CHANNEL = 0x4000;
  public static final int MAX_CHANNEL = 0x4FFF;

  private ChannelData() {}

  /** Whether the first byte at the reader index says ChannelData (RFC 7983: 64..79). */
  public static boolean isChannelData(ByteBuf in) {
    if (!in.isReadable()) {
      return false;
    }
    int b = in.getUnsignedByte(in.readerIndex());
    return b >= 0x40 && b <= 0x4F;
  }

  /** Writes the header and {@code data}'s readable bytes (not consumed) to {@code out}. */
  public static void encode(int channel, ByteBuf data, ByteBuf out) {
    checkChannel(channel);
    int n = data.readableBytes();
    if (n > 0xFFFF) {
      throw new IllegalArgumentException("ChannelData payload of " + n + " bytes exceeds 65535");
    }
    out.writeShort(channel).writeShort(n).writeBytes(data, data.readerIndex(), n);
  }

  /** As {@link #encode}, then zero bytes up to a multiple of 4, as a stream transport needs (RFC 8656 §12.5). */
  public static void encodePadded(int channel, ByteBuf data, ByteBuf out) {
    encode(channel, data, out);
    out.writeZero(padding(data.readableBytes()));
  }

  /** The zero bytes after {@code length} bytes of data on a stream transport: 0..3. */
  public static int padding(int length) {
    return -length & 3;
  }

  /** The channel number of the ChannelData message at the reader index (after {@link #payload} accepted it). */
  public static int channel(ByteBuf in) {
    return in.getUnsignedShort(in.readerIndex());
  }

  /**
   * The application data of the ChannelData message at the reader index: a slice of {@code in}
   * (not retained, not consumed).
   *
   * @throws StunException when the header is truncated, the channel is outside 0x4000..0x4FFF, or the
   *     length runs past the buffer
   */
  public static ByteBuf payload(ByteBuf in) {
    int n = in.readableBytes();
    if (n < HEADER_LENGTH) {
      throw new StunException("turn: ChannelData header truncated: " + n + " of 4 bytes");
    }
    int start = in.readerIndex();
    int channel = in.getUnsignedShort(start);
    if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
      throw new StunException(String.format("turn: ChannelData channel 0x%04x outside 0x4000..0x4FFF", channel));
    }
    int length = in.getUnsignedShort(start + 2);
    if (HEADER_LENGTH + length > n) {
      throw new StunException("turn: ChannelData length " + length + " but only " + (n - HEADER_LENGTH)
          + " bytes follow the header");
    }
    return in.slice(start + HEADER_LENGTH, length);
  }

  private static void checkChannel(int channel) {
    if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
      throw new IllegalArgumentException(String.format("channel 0x%04x outside 0x4000..0x4FFF", channel));
    }
  }
}
