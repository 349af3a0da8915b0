package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * Demultiplexing STUN, DTLS and SRTP/SRTCP arriving on one UDP port (or in one RFC 4571 TCP stream),
 * RFC 7983 §7:
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--&gt; STUN
 *                  |      [16..19] -+--&gt; ZRTP
 *  packet --&gt;      |      [20..63] -+--&gt; DTLS
 *                  |      [64..79] -+--&gt; TURN Channel
 *                  |    [128..191] -+--&gt; RTP/RTCP
 *                  +----------------+
 * </pre>
 * The first byte only says what a packet claims to be; {@link StunMessage#isStun} confirms STUN.
 */
public final class Demux {
  private Demux() {}

  public static PacketKind classify(int firstByte) {
    int b = firstByte & 0xFF;
    if (b <= 3) {
      return PacketKind.STUN;
    } else if (b >= 16 && b <= 19) {
      return PacketKind.ZRTP;
    } else if (b >= 20 && b <= 63) {
      return PacketKind.DTLS;
    } else if (b >= 64 && b <= 79) {
      return PacketKind.TURN_CHANNEL;
    } else if (b >= 128 && b <= 191) {
      return PacketKind.RTP_RTCP;
    }
    return PacketKind.UNKNOWN;
  }

  /** Classifies the packet at the reader index; an empty buffer is {@link PacketKind#UNKNOWN}. */
  public static PacketKind classify(ByteBuf packet) {
    return packet.isReadable() ? classify(packet.getUnsignedByte(packet.readerIndex())) : PacketKind.UNKNOWN;
  }
}
