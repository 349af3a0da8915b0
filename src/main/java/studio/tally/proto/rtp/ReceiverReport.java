package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * RR: receiver report (RFC 3550 §6.4.2), PT 201.
 * <pre>
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * |                     SSRC of packet sender                     |
 * |                 report blocks × RC (24 bytes each)            |
 * </pre>
 */
public record ReceiverReport(int ssrc, List<ReportBlock> reports) implements RtcpPacket {

  public ReceiverReport {
    reports = List.copyOf(reports);
    if (reports.size() > 31) {
      throw new IllegalArgumentException("rtcp: " + reports.size() + " report blocks, at most 31");
    }
  }

  static ReceiverReport parse(RtcpReader r, int count) {
    int ssrc = r.i32("RR SSRC");
    List<ReportBlock> blocks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      blocks.add(ReportBlock.parse(r));
    }
    return new ReceiverReport(ssrc, blocks);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, reports.size(), RR);
    out.writeInt(ssrc);
    reports.forEach(b -> b.write(out));
    RtcpPacket.finish(out, start);
  }
}
