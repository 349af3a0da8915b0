package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/** Reconnect delays, FanOut isolation, FLV framing and the TLS fingerprint parser. */
class OutputPartsTest {

  @Test
  void reconnectDelaysGrowLikeObsAndStopAtTheCap() {
    var noJitter = new ReconnectPolicy(Duration.ofSeconds(2), 1.5, 0, Duration.ofSeconds(30), 0);
    var random = new SplittableRandom(1);
    assertThat(List.of(1, 2, 3, 4, 8, 9, 50)).extracting(a -> noJitter.delay(a, random).toMillis())
        .containsExactly(2000L, 3000L, 4500L, 6750L, 30000L, 30000L, 30000L);
    for (int i = 0; i < 100; i++) {
      assertThat(ReconnectPolicy.DEFAULT.delay(1, random).toMillis()).isBetween(2000L, 2400L);
    }
    assertThat(ReconnectPolicy.DEFAULT.allows(1_000_000)).isTrue();
    assertThat(ReconnectPolicy.DEFAULT.withMaxAttempts(25).allows(26)).isFalse();
    assertThat(ReconnectPolicy.NEVER.allows(1)).isFalse();
  }

  @Test
  void fanOutIsolatesAThrowingSink() {
    var received = new ArrayList<EncodedPacket>();
    var throwing = new Sink() {
      @Override
      public void onPacket(EncodedPacket p) {
        throw new IllegalStateException("boom");
      }
    };
    var good = new Sink() {
      @Override
      public void onPacket(EncodedPacket p) {
        received.add(p);
      }
    };
    var fan = new FanOut(List.of(throwing, good));
    for (int i = 0; i < 3; i++) fan.onPacket(new EncodedPacket(EncodedPacket.Track.AUDIO, i, i, true, new byte[1]));
    assertThat(received).hasSize(3);
    assertThat(fan.failed()).containsExactly(throwing);
    fan.close();
  }

  @Test
  void flvFraming() {
    var avc = RtmpMediaMessages.frame(new SendQueue.Frame(true, 1000, 80, true, false, new byte[] {9}), "h264", 1);
    assertThat(bytes(avc)).containsExactly(0x17, 1, 0, 0, 80, 9);
    var hevc = RtmpMediaMessages.frame(new SendQueue.Frame(true, 1000, 80, false, false, new byte[] {9}), "hevc", 1);
    assertThat(bytes(hevc)).containsExactly(0xA1, 'h', 'v', 'c', '1', 0, 0, 80, 9);
    var av1 = RtmpMediaMessages.videoSequenceHeader(new StreamFormat.Video("av1", 1, 1, 30, 1, new byte[] {7}, "x"), 0, 1);
    assertThat(bytes(av1)).containsExactly(0x90, 'a', 'v', '0', '1', 7);
    var aac = RtmpMediaMessages.frame(new SendQueue.Frame(false, 5, 0, true, false, new byte[] {3}), "h264", 1);
    assertThat(bytes(aac)).containsExactly(0xAF, 1, 3);
  }

  @Test
  void fingerprintsInAnySpelling() {
    String hex = "AB".repeat(32);
    assertThat(TlsTrust.parseFingerprint(hex)).isEqualTo(TlsTrust.parseFingerprint(String.join(":", hex.toLowerCase().split("(?<=\\G..)"))));
    assertThatThrownBy(() -> RtmpPublisherOptions.defaults().withTlsFingerprint("abcd"))
        .hasMessageContaining("SHA-256");
  }

  private static int[] bytes(studio.tally.proto.rtmp.RtmpMessage m) {
    var b = m.payload();
    int[] out = new int[b.readableBytes()];
    for (int i = 0; i < out.length; i++) out[i] = b.getUnsignedByte(b.readerIndex() + i);
    m.release();
    return out;
  }

  private abstract static class Sink implements PacketSink {
    @Override
    public void onFormat(StreamFormat format) {}

    @Override
    public void close() {}
  }
}
