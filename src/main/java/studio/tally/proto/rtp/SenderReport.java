package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * SR: sender report (RFC 3550 §6.4.1), PT 200, RC = number of report blocks.
 * <pre>
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * |                 report blocks × RC (24 bytes each)            |
 * |                  profile-specific extensions                  |
 * </pre>
 * The "middle 32 bits" of {@link #ntpTimestamp} are what receivers echo as LSR.
 */
public record SenderReport(int ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
    List<ReportBlock> reports) implements RtcpPacket {

  public SenderReport {
    reports = List.copyOf(reports);
    if (reports.size() > 31) {
      throw new IllegalArgumentException("rtcp: " + reports.size() + " report blocks, at most 31");
    }
  }

  /** The compact NTP value (middle 32 bits) a receiver puts in LSR. */
  public long compactNtp() {
    return (ntpTimestamp >>> 16) & 0xffffffffL;
  }

  static SenderReport parse(RtcpReader r, int count) {
    int ssrc = r.i32("SR SSRC");
    long ntp = r.i64("SR NTP timestamp");
    long rtp = r.u32("SR RTP timestamp");
    long packets = r.u32("SR packet count");
    long octets = r.u32("SR octet count");
    List<ReportBlock> blocks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      blocks.add(ReportBlock.parse(r));
    }
    return new SenderReport(ssrc, ntp, rtp, packets, octets, blocks);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, reports.size(), SR);
    out.writeInt(ssrc);
    out.writeLong(ntpTimestamp);
    out.writeInt((int) rtpTimestamp);
    out.writeInt((int) packetCount);
    out.writeInt((int) octetCount);
    reports.forEach(b -> b.write(out));
    RtcpPacket.finish(out, start);
  }
}
