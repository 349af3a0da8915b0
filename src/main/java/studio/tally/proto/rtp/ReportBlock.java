package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/**
 * A reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes:
 * <pre>
 * | SSRC_n (source)                                               |
 * | fraction lost |       cumulative number of packets lost (S24) |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR, 1/65536 s)       |
 * </pre>
 */
public record ReportBlock(int ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequence,
    long jitter, long lastSenderReport, long delaySinceLastSenderReport) {

  static ReportBlock parse(RtcpReader r) {
    int ssrc = r.i32("report block SSRC");
    int fraction = r.u8("fraction lost");
    int lost = r.u24("cumulative lost");
    lost = (lost << 8) >> 8; // signed 24-bit
    return new ReportBlock(ssrc, fraction, lost, r.u32("extended highest seq"), r.u32("jitter"),
        r.u32("LSR"), r.u32("DLSR"));
  }

  void write(ByteBuf out) {
    out.writeInt(ssrc);
    out.writeByte(fractionLost);
    out.writeMedium(Math.max(-0x800000, Math.min(0x7fffff, cumulativeLost)));
    out.writeInt((int) extendedHighestSequence);
    out.writeInt((int) jitter);
    out.writeInt((int) lastSenderReport);
    out.writeInt((int) delaySinceLastSenderReport);
  }
}
