package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * Where messages end on a TCP or TLS connection to a TURN server (RFC 8656 §3.1, RFC 8489 §6.2.2): the
 * stream carries STUN messages and ChannelData back to back with no extra framing, each one telling its
 * own length:
 * <ul>
 *   <li>STUN (first two bits 00): 20-byte header + the length at bytes 2..3 (a multiple of 4);</li>
 *   <li>ChannelData (first byte 0x40..0x4F): 4-byte header + the length at bytes 2..3, padded to a
 *       multiple of 4 (RFC 8656 §12.5).</li>
 * </ul>
 * Anything else cannot be resynchronised: the connection is broken. Pure; the caller keeps the bytes.
 */
public final class TurnStreamFraming {
  /** Bytes needed to know a message's length. */
  public static final int PREFIX_LENGTH = 4;

  private TurnStreamFraming() {}

  /**
   * The length on the wire (padding included) of the message that starts at the reader index, or -1
   * while fewer than {@link #PREFIX_LENGTH} bytes are readable.
   *
   * @throws StunException when the first byte starts neither STUN nor ChannelData, or a STUN length is
   *     not a multiple of 4
   */
  public static int frameLength(ByteBuf in) {
    if (in.readableBytes() < PREFIX_LENGTH) {
      return -1;
    }
    int start = in.readerIndex();
    int first = in.getUnsignedByte(start);
    int length = in.getUnsignedShort(start + 2);
    if ((first & 0xC0) == 0) {
      if ((length & 3) != 0) {
        throw new StunException("turn-tcp: STUN length " + length + " is not a multiple of 4");
      }
      return StunMessage.HEADER_LENGTH + length;
    }
    if (first >= 0x40 && first <= 0x4F) {
      return ChannelData.HEADER_LENGTH + length + ChannelData.padding(length);
    }
    throw new StunException(String.format("turn-tcp: byte 0x%02x starts neither STUN nor ChannelData", first));
  }
}
