package studio.tally.server.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import studio.tally.proto.rtp.RtpPacket;

/**
 * The audio side of the bridge's one clock: the RTP time a sender report gives for a stream instant is
 * the RTP time of the Opus packet presented at that instant, through a resync and across the 32-bit wrap
 * (a sender report off from its packets would move the audio against the video by the difference).
 */
class OpusToRtpTest {
  private static final byte[] OPUS_20MS = {(byte) 0xFC, 1, 2, 3}; // TOC config 31 (CELT FB 20 ms), code 0

  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

  private long sent(OpusToRtp opus, long ptsMicros) {
    ByteBuf p = opus.packet(OPUS_20MS, ptsMicros);
    try {
      return RtpPacket.parse(p).timestamp();
    } finally {
      p.release();
    }
  }

  @Test
  void senderReportTimesAreThePacketsTimes() {
    OpusToRtp opus = new OpusToRtp(alloc, 1, (1L << 32) - 30_000, 0); // wraps after the first second
    assertThat(opus.timestamp(0)).as("no packet yet").isEqualTo(-1);
    long start = 5_021_333; // an FLV-derived time that is not a multiple of 20 ms
    for (int i = 0; i < 100; i++) {
      long pts = start + i * 20_000L;
      assertThat(sent(opus, pts)).as("packet %d", i).isEqualTo(opus.timestamp(pts));
    }
    assertThat(opus.timestamp(start + 10_000)).isEqualTo((opus.timestamp(start) + 480) & 0xFFFF_FFFFL);
    long resumed = start + 100 * 20_000L + 500_000; // half a second of nothing: the anchor moves
    assertThat(sent(opus, resumed)).isEqualTo(opus.timestamp(resumed));
    assertThat(opus.resyncs()).isEqualTo(1);
    assertThat(sent(opus, resumed + 20_000)).isEqualTo(opus.timestamp(resumed + 20_000));
  }

  @Test
  void packetDurationsComeFromTheTocByte() {
    assertThat(OpusToRtp.samplesOf(OPUS_20MS)).isEqualTo(960);
    assertThat(OpusToRtp.samplesOf(new byte[] {(byte) 0xFD, 0})).as("two 20 ms frames").isEqualTo(1920);
    assertThat(OpusToRtp.samplesOf(new byte[] {(byte) 0xE0})).as("config 28: 2.5 ms").isEqualTo(120);
    assertThat(OpusToRtp.samplesOf(new byte[] {0x08})).as("config 1: SILK NB 20 ms").isEqualTo(960);
    assertThat(OpusToRtp.samplesOf(new byte[] {0x1B, 3})).as("config 3 (60 ms), code 3, 3 frames").isEqualTo(8640);
  }
}
