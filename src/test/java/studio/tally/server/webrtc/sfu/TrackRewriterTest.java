package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;

class TrackRewriterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static ByteBuf packet(int pt, int seq, long ts, int ssrc, boolean withExtension) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(withExtension ? 0x90 : 0x80).writeByte(pt).writeShort(seq).writeInt((int) ts).writeInt(ssrc);
    if (withExtension) {
      b.writeShort(0xBEDE).writeShort(1).writeByte(0x10).writeByte(7).writeShort(0); // id 1, 1 byte, padding
    }
    b.writeBytes(new byte[] {1, 2, 3, 4});
    return b;
  }

  private static RtpPacket rewrite(TrackRewriter r, ByteBuf in, Instant now) {
    ByteBuf out = r.rewrite(in, RtpPacket.parse(in), UnpooledByteBufAllocator.DEFAULT, now);
    try {
      RtpPacket p = RtpPacket.parse(out);
      assertThat(p.hasExtension()).isFalse();
      assertThat(out.getByte(out.readerIndex() + p.payloadOffset() + 3)).isEqualTo((byte) 4);
      return p;
    } finally {
      out.release();
      in.release();
    }
  }

  @Test
  void rewritesSsrcPayloadTypeSequenceAndTimestamp() {
    TrackRewriter r = new TrackRewriter(0xCAFEL, 102, 90000, 1000, 5000);
    RtpPacket a = rewrite(r, packet(96, 40000, 123456, 7, true), T0);
    RtpPacket b = rewrite(r, packet(96, 40001, 126456, 7, false), T0);
    assertThat(a.ssrc()).isEqualTo(0xCAFE);
    assertThat(a.payloadType()).isEqualTo(102);
    assertThat(a.sequence()).isEqualTo(1000);
    assertThat(a.timestamp()).isEqualTo(5000);
    assertThat(b.sequence()).isEqualTo(1001);
    assertThat(b.timestamp()).isEqualTo(8000);
  }

  @Test
  void aNewSourceContinuesSequenceAndTimestamp() {
    TrackRewriter r = new TrackRewriter(1, 111, 48000, 65535, 0xFFFFFF00L);
    rewrite(r, packet(111, 10, 960, 7, false), T0);
    r.rebase();
    RtpPacket p = rewrite(r, packet(111, 30000, 99999, 8, false), T0.plusMillis(100));
    assertThat(p.sequence()).isEqualTo(0); // wraps, contiguous
    assertThat(p.timestamp()).isEqualTo((0xFFFFFF00L + 4800) & 0xFFFFFFFFL);
  }

  @Test
  void senderReportsMapWallClockToRewrittenTimestamps() {
    TrackRewriter r = new TrackRewriter(1, 111, 48000, 1, 1000);
    assertThat(r.senderReport(T0)).isNull();
    rewrite(r, packet(111, 1, 0, 7, false), T0);
    SenderReport sr = r.senderReport(T0.plusSeconds(1));
    assertThat(sr.rtpTimestamp()).isEqualTo(1000 + 48000);
    assertThat(sr.packetCount()).isEqualTo(1);
    assertThat(sr.octetCount()).isEqualTo(4);
    assertThat(sr.ntpTimestamp() >>> 32).isEqualTo(T0.getEpochSecond() + 1 + 2_208_988_800L);
    r.onSourceReport(TrackRewriter.ntp(T0), 0, T0);
    assertThat(r.senderReport(T0.plusMillis(500)).rtpTimestamp()).isEqualTo(1000 + 24000);
  }
}
