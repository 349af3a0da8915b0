package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import studio.tally.server.webrtc.sfu.MissingPackets.Arrival;

class MissingPacketsTest {
  private final MissingPackets m = new MissingPackets(8, 3, 40_000, 1_000_000);

  @Test
  void aGapIsNackedUntilItsPacketArrives() {
    assertThat(m.received(10, 0)).isEqualTo(Arrival.IN_ORDER);
    assertThat(m.received(13, 0)).isEqualTo(Arrival.IN_ORDER);
    assertThat(m.due(1_000, 64)).containsExactly(11, 12);
    assertThat(m.due(2_000, 64)).isEmpty(); // within the retry interval
    assertThat(m.received(11, 5_000)).isEqualTo(Arrival.RECOVERED);
    assertThat(m.due(41_000, 64)).containsExactly(12);
    assertThat(m.received(11, 50_000)).isEqualTo(Arrival.DUPLICATE_OR_LATE);
    assertThat(m.received(12, 50_000)).isEqualTo(Arrival.RECOVERED);
    assertThat(m.size()).isZero();
  }

  @Test
  void theRetryBudgetEnds() {
    m.received(1, 0);
    m.received(3, 0);
    assertThat(m.due(0, 64)).containsExactly(2);
    assertThat(m.due(40_000, 64)).containsExactly(2);
    assertThat(m.due(80_000, 64)).containsExactly(2);
    assertThat(m.due(120_000, 64)).isEmpty();
    assertThat(m.size()).isZero();
    assertThat(m.givenUp()).isEqualTo(1);
  }

  @Test
  void tooOldEntriesAreDropped() {
    m.received(1, 0);
    m.received(3, 0);
    assertThat(m.due(1_000_001, 64)).isEmpty();
    assertThat(m.givenUp()).isEqualTo(1);
  }

  @Test
  void gapsAcrossTheWrap() {
    m.received(65534, 0);
    m.received(1, 0);
    assertThat(m.due(0, 64)).containsExactly(65535, 0);
    assertThat(m.due(40_000, 1)).containsExactly(65535); // the limit per NACK
  }

  @Test
  void aTooWideGapAsksForAKeyframeInstead() {
    m.received(100, 0);
    m.received(102, 0);
    assertThat(m.received(200, 0)).isEqualTo(Arrival.GAP_TOO_WIDE);
    assertThat(m.size()).isZero();
    assertThat(m.received(201, 0)).isEqualTo(Arrival.IN_ORDER);
  }

  @Test
  void reorderingCloseToTheHeadIsRecovered() {
    m.received(5, 0);
    m.received(7, 0);
    assertThat(m.received(6, 100)).isEqualTo(Arrival.RECOVERED);
    assertThat(m.due(200, 64)).isEmpty();
  }
}
