package studio.tally.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.media.EncodedPacket;

/** Packets of two encoders leave in decode-time order; a silent track does not hold the other back for long. */
class InterleaverTest {
  private static EncodedPacket v(long t) {
    return new EncodedPacket(EncodedPacket.Track.VIDEO, t, t, false, new byte[1]);
  }

  private static EncodedPacket a(long t) {
    return new EncodedPacket(EncodedPacket.Track.AUDIO, t, t, true, new byte[1]);
  }

  @Test
  void mergesByDecodeTime() {
    List<Long> out = new ArrayList<>();
    var il = new Interleaver(true, true, 1_000_000, p -> out.add(p.dtsMicros()));
    il.add(v(0));
    il.add(v(33_333));
    il.add(a(-21_333));
    il.add(a(0));
    il.add(a(21_333));
    il.add(a(42_667));
    il.add(v(66_667));
    il.flush();
    assertThat(out).containsExactly(-21_333L, 0L, 0L, 21_333L, 33_333L, 42_667L, 66_667L);
  }

  @Test
  void aStalledTrackReleasesTheOtherAfterMaxWait() {
    List<Long> out = new ArrayList<>();
    var il = new Interleaver(true, true, 100_000, p -> out.add(p.dtsMicros()));
    for (int i = 0; i <= 4; i++) il.add(v(i * 33_333L));
    assertThat(out).containsExactly(0L); // span 133 ms > 100 ms: the oldest goes
  }
}
