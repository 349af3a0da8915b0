package studio.tally.proto.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import studio.tally.proto.rtp.JitterBuffer.Arrival;
import studio.tally.proto.rtp.JitterBuffer.Released;

/** Packets in, packets out in RFC 3550 sequence order: reordering, holes, deadlines, jumps, wrap. */
class JitterBufferTest {
  private static final long WAIT = 100_000;
  private final JitterBuffer<String> jb = new JitterBuffer<>(64, WAIT);
  private final List<Released<String>> out = new ArrayList<>();

  private Arrival push(int seq, long now) {
    return jb.push(seq, "p" + (seq & 0xffff), now);
  }

  private List<Integer> released(long now) {
    out.clear();
    jb.release(now, out::add);
    return out.stream().map(Released::sequence).toList();
  }

  @Test
  void inOrderPacketsGoOutAtOnce() {
    for (int s = 10; s < 15; s++) assertThat(push(s, 0)).isEqualTo(Arrival.QUEUED);
    assertThat(released(0)).containsExactly(10, 11, 12, 13, 14);
    assertThat(out).noneMatch(Released::afterLoss);
    assertThat(out.getFirst().item()).isEqualTo("p10");
    assertThat(jb.size()).isZero();
    assertThat(jb.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void reorderedPacketsAreHeldUntilTheHoleFills() {
    push(1, 0);
    push(3, 1_000);
    push(4, 2_000);
    assertThat(released(2_000)).containsExactly(1);
    assertThat(jb.missing()).containsExactly(2);
    assertThat(jb.nextDeadline()).isEqualTo(1_000 + WAIT);
    push(2, 5_000);
    assertThat(released(5_000)).containsExactly(2, 3, 4);
    assertThat(out).noneMatch(Released::afterLoss);
    assertThat(jb.lost()).isZero();
  }

  @Test
  void missingListsEveryHoleUpToTheHighest() {
    push(100, 0);
    released(0);
    push(103, 0);
    push(106, 0);
    assertThat(jb.missing()).containsExactly(101, 102, 104, 105);
  }

  @Test
  void holeIsGivenUpAfterTheDeadlineAndTheNextPacketSaysSo() {
    push(1, 0);
    push(3, 10_000);
    push(5, 20_000);
    assertThat(released(10_000 + WAIT - 1)).containsExactly(1);
    assertThat(released(10_000 + WAIT)).containsExactly(3);
    assertThat(out.getFirst().afterLoss()).isTrue();
    assertThat(jb.lost()).isEqualTo(1);
    // the second hole waits from packet 5's own arrival
    assertThat(released(20_000 + WAIT - 1)).isEmpty();
    assertThat(released(20_000 + WAIT)).containsExactly(5);
    assertThat(jb.lost()).isEqualTo(2);
    // a packet of a given-up hole is late
    assertThat(push(2, 200_000)).isEqualTo(Arrival.LATE);
    assertThat(jb.late()).isEqualTo(1);
  }

  @Test
  void duplicatesAreNotKept() {
    push(7, 0);
    push(9, 0);
    assertThat(push(9, 0)).isEqualTo(Arrival.DUPLICATE);
    assertThat(jb.duplicates()).isEqualTo(1);
    released(0);
    assertThat(push(7, 0)).isEqualTo(Arrival.LATE);
  }

  @Test
  void sequenceNumbersWrapAround() {
    push(65533, 0);
    push(65535, 0);
    push(0, 0);
    push(65534, 0);
    push(2, 0);
    push(1, 0);
    assertThat(released(0)).containsExactly(65533, 65534, 65535, 0, 1, 2);
    assertThat(jb.resets()).isZero();
    assertThat(jb.lost()).isZero();
  }

  @Test
  void holeAcrossTheWrapIsReportedWithWrappedNumbers() {
    push(65534, 0);
    released(0);
    push(1, 0);
    assertThat(jb.missing()).containsExactly(65535, 0);
  }

  @Test
  void forwardJumpResetsAndReleasesWhatWasHeld() {
    push(100, 0);
    push(102, 0);
    assertThat(released(0)).containsExactly(100);
    assertThat(push(30_000, 1_000)).isEqualTo(Arrival.RESET);
    assertThat(jb.resets()).isEqualTo(1);
    assertThat(released(1_000)).containsExactly(102, 30_000);
    assertThat(out.get(0).afterLoss()).isTrue(); // 101 never came
    assertThat(out.get(1).afterLoss()).isTrue(); // the jump
    push(30_001, 2_000);
    assertThat(released(2_000)).containsExactly(30_001);
    assertThat(out.getFirst().afterLoss()).isFalse();
  }

  @Test
  void backwardJumpBeyondTheWindowResetsToo() {
    push(40_000, 0);
    released(0);
    assertThat(push(5, 0)).isEqualTo(Arrival.RESET);
    assertThat(released(0)).containsExactly(5);
    assertThat(push(6, 0)).isEqualTo(Arrival.QUEUED);
    assertThat(released(0)).containsExactly(6);
  }

  @Test
  void jumpJustBeyondTheWindowIsAReset() {
    push(0, 0);
    released(0);
    assertThat(push(63, 0)).isEqualTo(Arrival.QUEUED);
    assertThat(push(64 + 1, 0)).isEqualTo(Arrival.RESET); // 64 ahead of the expected 1
  }

  @Test
  void shuffledWithinTheWindowComesOutComplete() {
    Random r = new Random(42);
    List<Integer> sent = new ArrayList<>();
    for (int i = 0; i < 2000; i++) sent.add((65_000 + i) & 0xffff);
    List<Integer> wire = new ArrayList<>(sent);
    // the first packet sets the start: shuffle from the second one on
    for (int i = 1; i + 8 <= wire.size(); i += 8) Collections.shuffle(wire.subList(i, i + 8), r);
    List<Integer> got = new ArrayList<>();
    for (int s : wire) {
      push(s, 0);
      jb.release(0, x -> got.add(x.sequence()));
    }
    assertThat(got).isEqualTo(sent);
    assertThat(jb.lost() + jb.resets() + jb.late()).isZero();
  }

  @Test
  void clearHandsBackWhatWasHeld() {
    push(1, 0);
    push(3, 0);
    List<String> disposed = new ArrayList<>();
    jb.clear(disposed::add);
    assertThat(disposed).containsExactlyInAnyOrder("p1", "p3");
    assertThat(jb.size()).isZero();
    assertThat(push(500, 0)).isEqualTo(Arrival.QUEUED); // starts afresh, no reset counted
    assertThat(jb.resets()).isZero();
  }
}
