package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import studio.tally.proto.h264.H264Sps;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.server.webrtc.sdp.AnswerContext;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sdp.SdpAnswerer;

/** SPS discovery in RTP payloads (RFC 6184 single NAL and STAP-A) and the publisher SSRC filter. */
class RtcStreamStatsTest {
  /** x264 320x240 Constrained Baseline, level 1.3. */
  private static final byte[] SPS = HexFormat.of().parseHex("6742c00dd90141fb0110000003001000000303c0f142a480");
  private static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");

  private static ByteBuf stapA(byte[]... nals) {
    ByteBuf b = Unpooled.buffer().writeByte(0x78); // F=0 NRI=3 type 24
    for (byte[] n : nals) {
      b.writeShort(n.length).writeBytes(n);
    }
    return b;
  }

  @Test
  void findsTheSpsAsASingleNalOrInsideStapA() {
    H264Sps single = RtcStreamStats.findSps(Unpooled.wrappedBuffer(SPS));
    assertThat(single.width()).isEqualTo(320);
    assertThat(single.height()).isEqualTo(240);
    assertThat(single.levelName()).isEqualTo("1.3");
    H264Sps inStap = RtcStreamStats.findSps(stapA(PPS, SPS));
    assertThat(inStap).isEqualTo(single);
  }

  @Test
  void noSpsOrABrokenOneGivesNull() {
    assertThat(RtcStreamStats.findSps(Unpooled.EMPTY_BUFFER)).isNull();
    assertThat(RtcStreamStats.findSps(Unpooled.wrappedBuffer(PPS))).isNull();
    assertThat(RtcStreamStats.findSps(Unpooled.wrappedBuffer(new byte[] {0x67, 0x42}))).isNull();
    ByteBuf lying = Unpooled.buffer().writeByte(0x78).writeShort(500).writeBytes(SPS); // size beyond the payload
    assertThat(RtcStreamStats.findSps(lying)).isNull();
    assertThat(RtcStreamStats.findSps(Unpooled.buffer().writeByte(0x78).writeShort(0))).isNull();
  }

  @Test
  void framesCountMarkerBitsAndKeyframesUpdateTheSps() {
    RtcStreamStats stats = new RtcStreamStats();
    ByteBuf key = rtp(true, SPS);
    stats.onVideo(key, RtpPacket.parse(key), true, true);
    ByteBuf delta = rtp(false, new byte[] {0x41, 1, 2});
    stats.onVideo(delta, RtpPacket.parse(delta), false, true);
    assertThat(stats.frames.sum()).isEqualTo(1);
    assertThat(stats.sps().width()).isEqualTo(320);
    stats.resetCodecInfo();
    assertThat(stats.sps()).isNull();
  }

  private static ByteBuf rtp(boolean marker, byte[] payload) {
    return Unpooled.buffer().writeByte(0x80).writeByte((marker ? 0x80 : 0) | 102).writeShort(1).writeInt(0)
        .writeInt(7).writeBytes(payload);
  }

  private static RtpPacket packet(int pt, int ssrc) {
    return RtpPacket.parse(Unpooled.buffer().writeByte(0x80).writeByte(pt).writeShort(1).writeInt(0).writeInt(ssrc)
        .writeByte(0));
  }

  private static AnswerContext publishContext() {
    return AnswerContext.publish(studio.tally.server.webrtc.sdp.LocalIceCredentials.random(),
        new studio.tally.proto.sdp.Fingerprint("sha-256",
            "3C:9F:0A:64:E2:1B:87:D5:4E:C0:32:A9:7F:16:BD:58:E3:0C:91:6A:2F:D4:85:B7:49:EE:13:70:CA:5D:06:F8"),
        java.util.List.of(new studio.tally.server.webrtc.sdp.CandidateAddress(
            studio.tally.server.webrtc.sdp.CandidateAddress.Transport.UDP, "127.0.0.1", 8000)));
  }

  @Test
  void announcedSsrcsOnlyOrTheFirstOnePerPayloadType() {
    String offer = new String(studio.tally.proto.TestVectors.bytes(studio.tally.proto.sdp.SessionDescription.class,
        "ffmpeg-8-whip-offer.sdp"), java.nio.charset.StandardCharsets.UTF_8);
    Negotiated announced = SdpAnswerer.answer(offer, publishContext());
    PublisherSsrcs filter = new PublisherSsrcs(announced);
    long video = announced.video().orElseThrow().remoteSsrcs().getFirst().ssrc();
    long rtx = announced.video().orElseThrow().remoteSsrcs().getFirst().rtxSsrc();
    assertThat(filter.accept(packet(106, (int) video))).isTrue();
    assertThat(filter.accept(packet(105, (int) rtx))).as("announced RTX SSRC").isTrue();
    assertThat(filter.accept(packet(106, 0x0BADBAD0))).isFalse();

    String bare = offer.replaceAll("(?m)^a=ssrc.*\\r?\\n", "");
    PublisherSsrcs latch = new PublisherSsrcs(SdpAnswerer.answer(bare,
        publishContext()));
    assertThat(latch.accept(packet(106, 42))).isTrue();
    assertThat(latch.accept(packet(111, 43))).isTrue();
    assertThat(latch.accept(packet(106, 42))).isTrue();
    assertThat(latch.accept(packet(106, 44))).as("a second SSRC for the same payload type").isFalse();
  }
}
