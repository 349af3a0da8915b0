package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/**
 * PLI (RFC 4585 §6.3.1): PSFB (PT 206), FMT 1, no FCI.
 * <pre>
 * |V=2|P| FMT=1   |   PT=206      |          length=2             |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * </pre>
 */
public record PictureLossIndication(int senderSsrc, int mediaSsrc) implements RtcpPacket {
  public static final int FMT = 1;

  static PictureLossIndication parse(RtcpReader r) {
    return new PictureLossIndication(r.i32("PLI sender SSRC"), r.i32("PLI media SSRC"));
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, FMT, PSFB);
    out.writeInt(senderSsrc);
    out.writeInt(mediaSsrc);
    RtcpPacket.finish(out, start);
  }
}
