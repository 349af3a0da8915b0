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

  @Test
  void publisherExtensionIdsNeverReachThePlayer() {
    // the publisher's id 1 may mean transport-cc to it and nothing (or audio level) to the player
    TrackRewriter r = new TrackRewriter(1, 102, 90000, 0, 0);
    ByteBuf in = packet(96, 5, 0, 7, true);
    ByteBuf out = r.rewrite(in, RtpPacket.parse(in), UnpooledByteBufAllocator.DEFAULT, T0);
    try {
      RtpPacket p = RtpPacket.parse(out);
      assertThat(p.hasExtension()).isFalse();
      assertThat(out.getByte(0) & 0x10).isZero();
      assertThat(out.readableBytes()).isEqualTo(12 + 4);
    } finally {
      out.release();
      in.release();
    }
  }

  @Test
  void nackedSequenceNumbersMapBackToTheSourceAndAreResentAsSent() {
    TrackRewriter r = new TrackRewriter(0xCAFEL, 102, 90000, 1000, 5000);
    assertThat(r.sourceSequence(1000)).isEqualTo(-1); // nothing sent yet
    rewrite(r, packet(96, 65534, 90000, 7, false), T0); // sent as 1000
    rewrite(r, packet(96, 65535, 93000, 7, false), T0); // 1001
    rewrite(r, packet(96, 1, 99000, 7, false), T0); // 1003 (0 lost upstream)
    assertThat(r.sourceSequence(1000)).isEqualTo(65534);
    assertThat(r.sourceSequence(1002)).isZero();
    assertThat(r.sourceSequence(1003)).isEqualTo(1);
    assertThat(r.sourceSequence(999)).isEqualTo(-1); // before the first sent
    assertThat(r.sourceSequence(1004)).isEqualTo(-1); // not sent yet

    ByteBuf cached = packet(96, 65535, 93000, 7, true);
    RtpPacket p = RtpPacket.parse(cached);
    ByteBuf again = r.retransmission(cached, p, UnpooledByteBufAllocator.DEFAULT);
    ByteBuf rtx = r.rtx(cached, p, 103, 0xBEEF, 77, UnpooledByteBufAllocator.DEFAULT);
    try {
      RtpPacket a = RtpPacket.parse(again);
      assertThat(a.sequence()).isEqualTo(1001);
      assertThat(a.timestamp()).isEqualTo(8000);
      assertThat(a.ssrc()).isEqualTo(0xCAFE);
      assertThat(a.hasExtension()).isFalse();
      RtpPacket x = RtpPacket.parse(rtx);
      assertThat(x.payloadType()).isEqualTo(103);
      assertThat(x.ssrc()).isEqualTo(0xBEEF);
      assertThat(x.sequence()).isEqualTo(77);
      assertThat(x.timestamp()).isEqualTo(8000);
      assertThat(x.hasExtension()).isFalse();
      assertThat(rtx.getUnsignedShort(x.payloadOffset())).isEqualTo(1001); // OSN as the player knows it
      assertThat(x.payloadLength()).isEqualTo(2 + 4);
      assertThat(r.packets()).isEqualTo(3); // resends are not new packets
    } finally {
      again.release();
      rtx.release();
      cached.release();
    }
  }

  @Test
  void afterARebaseOlderPacketsAreNotResent() {
    TrackRewriter r = new TrackRewriter(1, 102, 90000, 10, 0);
    rewrite(r, packet(96, 500, 0, 7, false), T0);
    r.rebase();
    assertThat(r.sourceSequence(10)).isEqualTo(-1);
    rewrite(r, packet(96, 9000, 0, 8, false), T0); // another source, sent as 11
    assertThat(r.sourceSequence(10)).isEqualTo(-1);
    assertThat(r.sourceSequence(11)).isEqualTo(9000);
  }

  @Test
  void negotiatedEndToEndExtensionsAreRenumbered() {
    TrackRewriter r = new TrackRewriter(1, 111, 48000, 0, 0);
    r.extensionIds(new studio.tally.proto.rtp.ExtensionIdMap(java.util.Map.of(1, 9)));
    ByteBuf in = packet(111, 5, 0, 7, true); // id 1 = 0x07
    ByteBuf out = r.rewrite(in, RtpPacket.parse(in), UnpooledByteBufAllocator.DEFAULT, T0);
    ByteBuf rtx = r.rtx(in, RtpPacket.parse(in), 112, 2, 0, UnpooledByteBufAllocator.DEFAULT);
    try {
      RtpPacket p = RtpPacket.parse(out);
      assertThat(p.hasExtension()).isTrue();
      assertThat(p.extensions(out, 0)).hasSize(1);
      assertThat(p.extensions(out, 0).getFirst().id()).isEqualTo(9);
      assertThat(out.getByte(p.extensions(out, 0).getFirst().offset())).isEqualTo((byte) 7);
      assertThat(out.getByte(p.payloadOffset() + 3)).isEqualTo((byte) 4);
      assertThat(RtpPacket.parse(rtx).hasExtension()).isFalse(); // RTX goes without
    } finally {
      out.release();
      rtx.release();
      in.release();
    }
  }
}
