package studio.tally.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteBatchingTest {
  private static final long MS = 1_000_000;

  @Test
  void aFewPlayersOnALoopGetEachTagAtOnce() {
    assertThat(WriteBatching.DEFAULT.batchNanos(0)).isZero();
    assertThat(WriteBatching.DEFAULT.batchNanos(1)).isZero();
    assertThat(WriteBatching.DEFAULT.batchNanos(2)).isZero(); // 0.8 ms: under a millisecond is not worth a timer
    assertThat(WriteBatching.DEFAULT.batchNanos(3)).isEqualTo(1_200_000);
  }

  @Test
  void theBatchGrowsWithThePlayersUpToSrsBatch() {
    assertThat(WriteBatching.DEFAULT.batchNanos(10)).isEqualTo(4 * MS);
    assertThat(WriteBatching.DEFAULT.batchNanos(100)).isEqualTo(40 * MS); // 200 players on 2 loops: the former fixed 40 ms
    assertThat(WriteBatching.DEFAULT.batchNanos(500)).isEqualTo(200 * MS);
    assertThat(WriteBatching.DEFAULT.batchNanos(875)).isEqualTo(350 * MS);
    assertThat(WriteBatching.DEFAULT.batchNanos(5000)).isEqualTo(350 * MS);
    assertThat(WriteBatching.DEFAULT.batchNanos(Integer.MAX_VALUE)).isEqualTo(350 * MS);
  }

  @Test
  void theLoopsFlushRateStaysWithinItsBudgetAndTheBatchNeverShrinksAsPlayersJoin() {
    WriteBatching.Adaptive a = new WriteBatching.Adaptive(Duration.ofMillis(350), 2500);
    long previous = 0;
    for (int players = 1; players <= 3000; players++) {
      long batch = a.batchNanos(players);
      assertThat(batch).isGreaterThanOrEqualTo(previous);
      previous = batch;
      if (batch > 0 && batch < 350 * MS) {
        double flushesPerSecond = players / (batch / 1e9);
        assertThat(flushesPerSecond).isBetween(2499.0, 2501.0);
      }
    }
  }

  @Test
  void aPinnedBatchIgnoresTheLoad() {
    WriteBatching fixed = new WriteBatching.Fixed(Duration.ofMillis(40));
    assertThat(fixed.batchNanos(1)).isEqualTo(40 * MS);
    assertThat(fixed.batchNanos(5000)).isEqualTo(40 * MS);
    assertThat(new WriteBatching.Fixed(Duration.ZERO).batchNanos(5000)).isZero();
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThatThrownBy(() -> new WriteBatching.Fixed(Duration.ofMillis(-1))).hasMessageContaining("negative");
    assertThatThrownBy(() -> new WriteBatching.Adaptive(Duration.ZERO, 2500)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new WriteBatching.Adaptive(Duration.ofMillis(350), 0)).hasMessageContaining("flushesPerSecond");
  }
}
