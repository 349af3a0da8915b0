package studio.tally.play;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The QA rules on synthetic timelines: freezes (WebRTC rule), fps, drops, latency, A/V offset, resolutions. */
class QaMeterTest {
  private static final long MS = 1_000_000L;

  /** Feeds pictures at the given ms (shown and pts alike), 1280x720, no time code. */
  private static QaMeter pictures(long... ms) {
    QaMeter m = new QaMeter(0);
    for (long t : ms) m.picture(t * MS, 1280, 720, t * 1000, -1, 0, 0);
    return m;
  }

  private static long[] every(long stepMs, int count, long fromMs) {
    long[] out = new long[count];
    for (int i = 0; i < count; i++) out[i] = fromMs + i * stepMs;
    return out;
  }

  @Test
  void steady30FpsHasNoFreezeAndMeasures30Fps() {
    QaReport r = pictures(every(33, 90, 100)).report((100 + 89 * 33) * MS);
    assertThat(r.freezeCount()).isZero();
    assertThat(r.totalFreezeMs()).isZero();
    assertThat(r.fps()).isCloseTo(30.3, within(0.1));
    assertThat(r.timeToFirstFrameMs()).isEqualTo(100.0);
  }

  @Test
  void aTwoSecondGapIsOneFreezeOfTwoSeconds() {
    QaMeter m = new QaMeter(0);
    long t = 0;
    for (int i = 0; i < 30; i++, t += 33) m.picture(t * MS, 640, 360, t * 1000, -1, 0, 0);
    t += 2000 - 33; // the next picture comes 2 s after the last one
    for (int i = 0; i < 30; i++, t += 33) m.picture(t * MS, 640, 360, t * 1000, -1, 0, 0);
    QaReport r = m.report((t - 33) * MS);
    assertThat(r.freezeCount()).isEqualTo(1);
    assertThat(r.totalFreezeMs()).isEqualTo(2000.0);
    assertThat(r.longestFreezeMs()).isEqualTo(2000.0);
  }

  @Test
  void theThresholdIsMaxOfThreeFramesAndMeanPlus150Ms() {
    FreezeCounter f = new FreezeCounter();
    // 30 fps: mean 33 ms -> threshold max(99, 183) = 183 ms
    for (int i = 0; i <= 30; i++) f.frame(i * 33 * MS);
    assertThat(f.threshold()).isEqualTo(183 * MS);
    f.frame((30 * 33 + 182) * MS); // just under: not a freeze
    assertThat(f.count(0)).isZero();
    // 2 fps: mean 500 ms -> threshold max(1500, 650) = 1500 ms
    FreezeCounter slow = new FreezeCounter();
    for (int i = 0; i <= 30; i++) slow.frame(i * 500 * MS);
    assertThat(slow.threshold()).isEqualTo(1500 * MS);
    slow.frame((30 * 500 + 1400) * MS); // a 1.4 s gap at 2 fps is not a freeze
    slow.frame((30 * 500 + 1400 + 1600) * MS); // 1.6 s is
    assertThat(slow.count(0)).isEqualTo(1);
    assertThat(slow.totalNanos(0)).isEqualTo(1600 * MS);
  }

  @Test
  void aStallStillGoingAtTheEndCountsUpToNow() {
    QaMeter m = pictures(every(33, 30, 0));
    long last = 29 * 33;
    assertThat(m.report((last + 100) * MS).freezeCount()).isZero();
    QaReport r = m.report((last + 1000) * MS);
    assertThat(r.freezeCount()).isEqualTo(1);
    assertThat(r.totalFreezeMs()).isEqualTo(1000.0);
  }

  @Test
  void fifteenFpsReadsFifteenWhateverTheArrivalBurst() {
    QaMeter m = new QaMeter(0);
    // a server's GOP cache: the first 15 pictures (1 s of stream) arrive within 20 ms
    for (int i = 0; i < 15; i++) m.picture(i * MS, 640, 360, i * 66_667L, -1, 0, 0);
    for (int i = 15; i < 60; i++) m.picture((1000 + (i - 15) * 67) * MS, 640, 360, i * 66_667L, -1, 0, 0);
    assertThat(m.report(4000 * MS).fps()).isCloseTo(15.0, within(0.1));
  }

  @Test
  void timecodeGapsAndDecoderRefusalsAreDroppedFrames() {
    QaMeter m = new QaMeter(0);
    long[] frames = {10, 11, 12, 15, 16, 20};
    for (int i = 0; i < frames.length; i++) {
      m.picture(i * 33 * MS, 640, 360, i * 33_000L, frames[i], 1_000_000 + frames[i] * 33, 1_000_000 + frames[i] * 33 + 80);
    }
    m.dropped(2);
    QaReport r = m.report(200 * MS);
    assertThat(r.droppedFrames()).isEqualTo(2 + 3 + 2);
    assertThat(r.timecodedFrames()).isEqualTo(6);
    assertThat(r.latency()).isEqualTo(new QaReport.Latency(80.0, 80, 80, 6));
  }

  @Test
  void latencyIsTheMedianOfShownMinusCaptured() {
    QaMeter m = new QaMeter(0);
    long[] latencies = {400, 90, 100, 110, 95};
    for (int i = 0; i < latencies.length; i++) {
      m.picture(i * 33 * MS, 640, 360, i * 33_000L, i, 5000 + i * 33, 5000 + i * 33 + latencies[i]);
    }
    QaReport.Latency l = m.report(200 * MS).latency();
    assertThat(l.medianMs()).isEqualTo(100.0);
    assertThat(l.minMs()).isEqualTo(90);
    assertThat(l.maxMs()).isEqualTo(400);
    assertThat(pictures(0, 33).report(100 * MS).latency()).as("no time code, no latency").isNull();
  }

  @Test
  void resolutionChangesAreCountedAndListed() {
    QaMeter m = new QaMeter(0);
    m.picture(0, 1280, 720, 0, -1, 0, 0);
    m.picture(33 * MS, 1280, 720, 33_000, -1, 0, 0);
    m.picture(66 * MS, 640, 360, 66_000, -1, 0, 0);
    m.picture(99 * MS, 1280, 720, 99_000, -1, 0, 0);
    QaReport r = m.report(100 * MS);
    assertThat(r.resolutionChanges()).isEqualTo(2);
    assertThat(r.resolutions()).containsExactly("1280x720", "640x360");
    assertThat(r.width()).isEqualTo(1280);
  }

  @Test
  void avOffsetIsHowMuchEarlierAudioArrivesThanVideoOfTheSameTime() {
    QaMeter m = new QaMeter(0);
    for (int i = 0; i < 10; i++) {
      long mediaMs = i * 40;
      // audio for media time t arrives at t + 100 ms, video for t at t + 300 ms: audio leads by 200 ms
      m.audio((mediaMs + 100) * MS, mediaMs * 1000, 1024, 48000, 2);
      m.picture((mediaMs + 300) * MS, 640, 360, mediaMs * 1000, -1, 0, 0);
    }
    assertThat(m.report(1000 * MS).avOffsetMs()).isEqualTo(200.0);
    assertThat(pictures(0, 33).report(100 * MS).avOffsetMs()).as("no audio, no offset").isNull();
  }

  @Test
  void bitrateCountsPayloadSinceTheFirstByte() {
    QaMeter m = new QaMeter(0);
    m.bytes(1000 * MS, true, 250_000);
    m.bytes(1500 * MS, false, 12_500);
    QaReport r = m.report(3000 * MS);
    assertThat(r.videoKbps()).isEqualTo(1000.0);
    assertThat(r.audioKbps()).isEqualTo(50.0);
    assertThat(r.bitrateKbps()).isEqualTo(1050.0);
  }
}
