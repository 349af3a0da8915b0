package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * FIR (RFC 5104 §4.3.1): PSFB (PT 206), FMT 4; media SSRC field is 0, FCI entries name the target.
 * <pre>
 * |V=2|P| FMT=4   |   PT=206      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * FCI × n:
 * |                              SSRC                             |
 * | Seq nr.       |    Reserved (0)                               |
 * </pre>
 * The sender increments the command sequence number per new request (not per repetition).
 */
public record FullIntraRequest(int senderSsrc, List<Entry> entries) implements RtcpPacket {
  public static final int FMT = 4;

  public record Entry(int ssrc, int sequenceNumber) {}

  public FullIntraRequest {
    entries = List.copyOf(entries);
  }

  static FullIntraRequest parse(RtcpReader r) {
    int sender = r.i32("FIR sender SSRC");
    r.i32("FIR media SSRC");
    List<Entry> entries = new ArrayList<>();
    while (r.remaining() > 0) {
      int ssrc = r.i32("FIR entry SSRC");
      int seq = r.u8("FIR seq nr");
      r.u24("FIR reserved");
      entries.add(new Entry(ssrc, seq));
    }
    return new FullIntraRequest(sender, entries);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, FMT, PSFB);
    out.writeInt(senderSsrc);
    out.writeInt(0);
    for (Entry e : entries) {
      out.writeInt(e.ssrc());
      out.writeByte(e.sequenceNumber());
      out.writeMedium(0);
    }
    RtcpPacket.finish(out, start);
  }
}
