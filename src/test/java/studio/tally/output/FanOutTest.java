package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.media.CollectingSink;
import studio.tally.media.EncodedPacket;
import studio.tally.media.StreamFormat;

/** Sinks joining and leaving a running encode. */
class FanOutTest {
  private static final StreamFormat AV = new StreamFormat(
      new StreamFormat.Video("h264", 64, 64, 30, 100, new byte[] {1}, "libx264"),
      new StreamFormat.Audio("aac", 48_000, 2, 128, new byte[] {0x11, (byte) 0x90}));

  private static EncodedPacket video(long t, boolean key) {
    return new EncodedPacket(EncodedPacket.Track.VIDEO, t, t, key, new byte[] {(byte) t});
  }

  private static EncodedPacket audio(long t) {
    return new EncodedPacket(EncodedPacket.Track.AUDIO, t, t, true, new byte[] {(byte) t});
  }

  @Test
  void aSinkJoiningLateStartsAtTheNextKeyframeWithTheFormat() {
    var first = new CollectingSink();
    var fan = new FanOut(List.of(first));
    fan.onFormat(AV);
    fan.onPacket(video(0, true));
    fan.onPacket(video(33, false));

    var late = new CollectingSink();
    fan.add(late);
    fan.onPacket(audio(40));
    fan.onPacket(video(66, false));
    assertThat(late.format).isNull();
    assertThat(late.packets).isEmpty();

    fan.onPacket(video(100, true));
    fan.onPacket(audio(110));
    assertThat(late.format).isSameAs(AV);
    assertThat(late.packets).extracting(EncodedPacket::ptsMicros).containsExactly(100L, 110L);
    assertThat(first.packets).hasSize(6);
  }

  @Test
  void aSinkAddedBeforeTheFormatGetsEverything() {
    var fan = new FanOut(List.of());
    var sink = new CollectingSink();
    fan.add(sink);
    fan.onFormat(AV);
    fan.onPacket(audio(0));
    fan.onPacket(video(0, false));
    assertThat(sink.format).isSameAs(AV);
    assertThat(sink.packets).hasSize(2);
  }

  @Test
  void audioOnlyJoinsAtTheNextPacket() {
    var fan = new FanOut(List.of());
    var audioOnly = new StreamFormat(null, AV.audio());
    fan.onFormat(audioOnly);
    var late = new CollectingSink();
    fan.add(late);
    fan.onPacket(audio(20));
    assertThat(late.format).isSameAs(audioOnly);
    assertThat(late.packets).hasSize(1);
  }

  @Test
  void aRemovedSinkGetsNothingMoreAndIsNotClosed() {
    var a = new CollectingSink();
    var b = new CollectingSink();
    var fan = new FanOut(List.of(a, b));
    fan.onFormat(AV);
    fan.onPacket(video(0, true));
    assertThat(fan.remove(a)).isTrue();
    assertThat(fan.remove(a)).isFalse();
    fan.onPacket(video(33, false));
    fan.close();
    assertThat(a.packets).hasSize(1);
    assertThat(a.closed).isFalse();
    assertThat(b.packets).hasSize(2);
    assertThat(b.closed).isTrue();
  }

  @Test
  void aFailingLateSinkIsDroppedAndTheOthersGoOn() {
    var good = new CollectingSink();
    var fan = new FanOut(List.of(good));
    fan.onFormat(AV);
    var badPackets = new java.util.ArrayList<EncodedPacket>();
    var bad = new studio.tally.media.PacketSink() {
      @Override
      public void onFormat(StreamFormat f) {
        throw new IllegalStateException("cannot open the muxer");
      }

      @Override
      public void onPacket(EncodedPacket p) {
        badPackets.add(p);
      }

      @Override
      public void close() {}
    };
    fan.add(bad);
    fan.onPacket(video(0, true));
    fan.onPacket(video(33, false));
    assertThat(fan.failed()).containsExactly(bad);
    assertThat(badPackets).isEmpty();
    assertThat(good.packets).hasSize(2);
  }

  @Test
  void addingTwiceOrAfterCloseFails() {
    var sink = new CollectingSink();
    var fan = new FanOut(List.of(sink));
    assertThatThrownBy(() -> fan.add(sink)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already attached");
    fan.close();
    assertThatThrownBy(() -> fan.add(new CollectingSink())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
