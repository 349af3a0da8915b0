package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drop policy on its own: 25 fps video with a keyframe every 25 frames, AAC every ~23 ms. */
class SendQueueTest {
  private static final SendQueueLimits LIMITS = new SendQueueLimits(1 << 20, 3000, 1000, 2000);

  private static SendQueue.Frame video(long ms, boolean key, boolean disposable) {
    return new SendQueue.Frame(true, ms, 0, key, disposable, new byte[1000]);
  }

  private static SendQueue.Frame audio(long ms) {
    return new SendQueue.Frame(false, ms, 0, true, false, new byte[200]);
  }

  private static List<SendQueue.Frame> drain(SendQueue q) {
    var out = new ArrayList<SendQueue.Frame>();
    for (SendQueue.Frame f; (f = q.poll()) != null; ) out.add(f);
    return out;
  }

  @Test
  void underTheLevelsNothingIsDropped() {
    var q = new SendQueue(LIMITS);
    q.setOnline(true);
    assertThat(q.offer(video(0, true, false))).isTrue();
    for (int i = 1; i < 20; i++) assertThat(q.offer(video(i * 40, false, i % 2 == 0))).isTrue();
    assertThat(q.offer(audio(10))).isTrue();
    assertThat(q.videoDropped()).isZero();
    assertThat(q.millis()).isEqualTo(760);
  }

  @Test
  void startsAtAKeyframe() {
    var q = new SendQueue(LIMITS);
    q.setOnline(true);
    assertThat(q.offer(video(0, false, false))).isFalse();
    assertThat(q.offer(video(40, true, false))).isTrue();
    assertThat(q.videoDropped()).isEqualTo(1);
  }

  @Test
  void dropsDisposableFramesFirstThenTheRestOfTheGop() {
    var q = new SendQueue(LIMITS);
    q.setOnline(true);
    for (int i = 0; i < 25 * 3; i++) {
      q.offer(video(i * 40, i % 25 == 0, i % 25 != 0 && i % 3 == 2));
      q.offer(audio(i * 40 + 5));
    }
    List<SendQueue.Frame> sent = drain(q);
    // beyond 1 s of queue no disposable frame was kept; beyond 2 s only keyframes and audio
    assertThat(sent).filteredOn(f -> f.video() && f.disposable() && f.timestampMs() >= 1040).isEmpty();
    assertThat(sent).filteredOn(f -> f.video() && !f.keyframe() && f.timestampMs() >= 2000).isEmpty();
    assertThat(sent).filteredOn(f -> f.video() && f.keyframe()).hasSize(3);
    assertThat(sent).filteredOn(f -> !f.video()).hasSize(75); // audio is kept
    assertThat(q.audioDropped()).isZero();
    assertThat(q.videoDropped()).isPositive();
  }

  @Test
  void aHopelessQueueDropsEverythingAndResumesAtTheNextKeyframe() {
    var q = new SendQueue(LIMITS);
    q.setOnline(true);
    for (int i = 0; i <= 75; i++) q.offer(audio(i * 40)); // 3 s of audio, nothing sent
    assertThat(q.offer(audio(3040))).isFalse();
    assertThat(q.bytes()).isZero();
    assertThat(q.audioDropped()).isEqualTo(77);
    assertThat(q.videoDropped()).isZero();
    assertThat(q.offer(audio(3080))).isTrue(); // audio resumes at once
    assertThat(q.offer(video(3090, false, false))).isFalse(); // video waits for a keyframe
    assertThat(q.offer(video(3100, true, false))).isTrue();
    assertThat(q.offer(audio(3120))).isTrue();
  }

  @Test
  void byteBoundHolds() {
    var q = new SendQueue(new SendQueueLimits(10_000, 3000, 1000, 2000));
    q.setOnline(true);
    for (int i = 0; i < 100; i++) {
      q.offer(video(i, i % 10 == 0, false));
      assertThat(q.bytes()).isLessThanOrEqualTo(10_000);
    }
  }

  @Test
  void offlineKeepsOnlyTheLatestGopAndStartsOnlineAtItsKeyframe() {
    var q = new SendQueue(LIMITS);
    q.offer(audio(0));
    q.offer(video(10, false, false));
    assertThat(q.size()).isZero();
    q.offer(video(40, true, false));
    q.offer(video(80, false, false));
    q.offer(video(120, true, false));
    q.offer(audio(130));
    q.offer(video(160, false, false));
    q.setOnline(true);
    assertThat(drain(q)).extracting(SendQueue.Frame::timestampMs).containsExactly(120L, 130L, 160L);
    q.offer(video(200, false, false));
    q.setOnline(false); // lost: the GOP in flight is useless without its keyframe
    assertThat(q.size()).isZero();
  }
}
