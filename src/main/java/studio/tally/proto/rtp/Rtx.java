package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/**
 * RTP retransmission payload format (RFC 4588 §4): a retransmitted packet travels on its own SSRC and
 * sequence space with the RTX payload type; its payload starts with the original sequence number.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP Header (RTX PT, RTX SSRC, RTX seq)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            OSN                |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                  Original RTP Packet Payload                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The timestamp, marker and CSRCs are the original's (§4.1). Header extensions and padding are not
 * carried over: extension ids belong to one hop, and padding is not payload. An RTX packet without
 * payload (no OSN) is padding a sender uses for bandwidth probing.
 */
public final class Rtx {
  private Rtx() {}

  /** Bytes the OSN adds to a payload. */
  public static final int OSN_LENGTH = 2;

  /** Whether the RTX packet carries an original packet (false: probing padding). */
  public static boolean carriesPacket(RtpPacket rtx) {
    return rtx.payloadLength() >= OSN_LENGTH;
  }

  /** The original sequence number of the RTX packet starting at {@code at} in {@code buf}. */
  public static int originalSequence(ByteBuf buf, int at, RtpPacket rtx) {
    if (!carriesPacket(rtx)) {
      throw new RtpException("rtx: payload of " + rtx.payloadLength() + " bytes has no 2-byte OSN");
    }
    return buf.getUnsignedShort(at + rtx.payloadOffset());
  }

  /**
   * Appends the RTX packet for the original packet {@code original} (starting at {@code at}, parsed
   * as {@code p}) to {@code out}.
   *
   * @param osn       the original sequence number as the receiver knows it
   * @param timestamp the original timestamp as the receiver knows it
   */
  public static void wrap(ByteBuf out, ByteBuf original, int at, RtpPacket p, int rtxPayloadType, int rtxSsrc,
      int rtxSequence, int osn, long timestamp) {
    RtpPacket.writeHeader(out, p.marker(), rtxPayloadType, rtxSequence & 0xffff, timestamp, rtxSsrc, p.csrcs(),
        null);
    out.writeShort(osn);
    out.writeBytes(original, at + p.payloadOffset(), p.payloadLength());
  }

  /**
   * Appends the original packet carried by the RTX packet {@code rtx} (starting at {@code at}, parsed
   * as {@code p}) to {@code out}, with the original payload type and SSRC (known from the
   * negotiation: {@code apt} and the {@code FID} group).
   */
  public static void unwrap(ByteBuf out, ByteBuf rtx, int at, RtpPacket p, int payloadType, int ssrc) {
    int osn = originalSequence(rtx, at, p);
    RtpPacket.writeHeader(out, p.marker(), payloadType, osn, p.timestamp(), ssrc, p.csrcs(), null);
    out.writeBytes(rtx, at + p.payloadOffset() + OSN_LENGTH, p.payloadLength() - OSN_LENGTH);
  }
}
