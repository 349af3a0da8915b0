package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.IntBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import studio.tally.play.I420;

/** The scene's ARGB pictures become I420 that shows the same colours again, and the newest picture wins. */
class SceneFeedTest {

  @Test
  void coloursSurviveTheRoundTripAndOnlyTheNewestPictureIsTaken() {
    int w = 64;
    int h = 32;
    int[] colours = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFFFFFFFF, 0xFF000000, 0xFF808080, 0xFFFFFF00, 0xFF00FFFF};
    int[] argb = new int[w * h];
    for (int i = 0; i < argb.length; i++) argb[i] = colours[(i % w) / 8]; // vertical bars 8 wide
    SceneFeed feed = new SceneFeed();
    assertThat(feed.take((a, b, c, y, u, v) -> { })).as("nothing before the first picture").isFalse();
    feed.onFrame(w, h, IntBuffer.wrap(new int[w * h]), 0); // an older picture: replaced before it is taken
    feed.onFrame(w, h, IntBuffer.wrap(argb), 1);
    AtomicInteger taken = new AtomicInteger();
    int[] back = new int[w * h];
    assertThat(feed.take((width, height, shown, y, u, v) -> {
      taken.incrementAndGet();
      assertThat(shown).containsExactly(argb);
      I420.toArgb(width, height, y, width, u, width / 2, v, width / 2, back);
    })).isTrue();
    assertThat(taken).hasValue(1);
    for (int i = 0; i < argb.length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        int want = argb[i] >> shift & 0xFF;
        int got = back[i] >> shift & 0xFF;
        assertThat(Math.abs(want - got)).as("pixel %d channel >>%d: %08x -> %08x", i, shift, argb[i], back[i]).isLessThanOrEqualTo(4);
      }
    }
    assertThat(feed.take((a, b, c, y, u, v) -> { })).as("each picture once").isFalse();
    // an odd size is cut to even (I420 needs it)
    feed.onFrame(5, 3, IntBuffer.wrap(new int[15]), 2);
    assertThat(feed.take((width, height, shown, y, u, v) -> assertThat(width * 100 + height).isEqualTo(402))).isTrue();
  }
}
