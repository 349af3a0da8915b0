package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RembEstimateTest {
  private final RembEstimate e = new RembEstimate();

  /** One second at {@code kbps} with {@code lostPercent} % of 100 packets missing. */
  private long second(long t, int kbps, int lostPercent) {
    int packets = 100 - lostPercent;
    for (int i = 0; i < packets; i++) {
      e.received(kbps * 1000 / 8 / packets);
    }
    e.lost(lostPercent);
    return e.update(t * 1_000_000);
  }

  @Test
  void growsWithWhatArrivesWhileThereIsNoLoss() {
    assertThat(e.update(0)).isEqualTo(300_000); // the start value opens the first window
    long a = second(1, 300, 0);
    assertThat(a).isBetween(540_000L, 560_000L); // 1.5 × 300 kbps + 100 kbps
    long b = second(2, 550, 0);
    assertThat(b).isGreaterThan(a);
    long c = second(3, 100, 0); // the sender sends less (app-limited): the estimate holds
    assertThat(c).isEqualTo(b);
  }

  @Test
  void heavyLossAsksForLessThanArrivedAndModerateLossHolds() {
    e.update(0);
    long before = second(1, 2000, 0);
    assertThat(second(2, 2000, 5)).isEqualTo(before);
    long after = second(3, 2000, 20);
    assertThat(after).isLessThan(2_000_000).isGreaterThan(1_700_000);
  }

  @Test
  void staysWithinBounds() {
    e.update(0);
    assertThat(e.update(1_000_000)).isEqualTo(300_000); // nothing arrived: holds
    for (int t = 2; t < 40; t++) {
      second(t, 20_000, 0);
    }
    assertThat(e.update(41_000_000)).isEqualTo(RembEstimate.MAX_BPS);
    assertThat(second(42, 10, 90)).isEqualTo(RembEstimate.MIN_BPS);
  }
}
