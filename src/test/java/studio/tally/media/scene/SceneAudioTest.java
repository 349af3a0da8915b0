package studio.tally.media.scene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import studio.tally.media.SessionClock;
import studio.tally.media.capture.TestTone;
import studio.tally.media.scene.SceneCompositor.AudioInput;

/** The audio side of the scene: gain in dB, live mute, mixing, and the tone's beeps on wall-clock seconds. */
class SceneAudioTest {

  /** Pushes the tone up to untilMicros and returns the RMS of what the scene mixed. */
  private static double rms(SceneCompositor scene, List<TestTone> tones, long untilMicros) {
    for (int i = 0; i < tones.size(); i++) {
      AVFrame f;
      while ((f = tones.get(i).next(untilMicros)) != null) {
        scene.pushAudio(i, f);
        av_frame_free(f);
      }
    }
    AVFrame out = av_frame_alloc();
    double sum = 0;
    long n = 0;
    while (scene.pullAudio(out)) {
      assertThat(out.sample_rate()).isEqualTo(48_000);
      assertThat(out.ch_layout().nb_channels()).isEqualTo(2);
      assertThat(out.nb_samples()).isEqualTo(1024);
      float[] left = new float[out.nb_samples()];
      new FloatPointer(out.data(0)).get(left);
      for (float s : left) sum += s * s;
      n += left.length;
      av_frame_unref(out);
    }
    av_frame_free(out);
    return n == 0 ? 0 : Math.sqrt(sum / n);
  }

  @Test
  void gainMuteAndMixAreApplied() {
    // start 500 ms after a whole second: the first 500 ms carry no beep, only the 1 kHz tone at 0.1 peak
    var clock = SessionClock.virtual(Clock.fixed(Instant.parse("2026-01-01T00:00:00.500Z"), ZoneOffset.UTC));
    var tone = new TestTone(clock);
    try (var scene = new SceneCompositor(new studio.tally.media.VideoFormat(320, 180, 30), AV_PIX_FMT_YUV420P, List.of(),
        List.of(new AudioInput(tone, -6.0206, false)))) {
      double halved = rms(scene, List.of(tone), 200_000);
      assertThat(halved).isCloseTo(0.1 / Math.sqrt(2) / 2, within(0.003)); // sine RMS = peak/√2, −6 dB halves it
      scene.setMuted(0, true);
      rms(scene, List.of(tone), 300_000); // let the graph's buffered audio pass
      assertThat(rms(scene, List.of(tone), 400_000)).isLessThan(1e-6);
      scene.setMuted(0, false);
      scene.setGain(0, 0);
      rms(scene, List.of(tone), 420_000);
      assertThat(rms(scene, List.of(tone), 480_000)).isCloseTo(0.1 / Math.sqrt(2), within(0.005));
    }
    var a = new TestTone(clock);
    var b = new TestTone(clock);
    try (var scene = new SceneCompositor(new studio.tally.media.VideoFormat(320, 180, 30), AV_PIX_FMT_YUV420P, List.of(),
        List.of(new AudioInput(a), new AudioInput(b)))) {
      rms(scene, List.of(a, b), 100_000);
      // two identical tones in phase, mixed without normalisation: twice the amplitude
      assertThat(rms(scene, List.of(a, b), 400_000)).isCloseTo(2 * 0.1 / Math.sqrt(2), within(0.01));
    }
  }

  @Test
  void beepsStartOnWholeWallClockSeconds() {
    var clock = SessionClock.virtual(Clock.fixed(Instant.parse("2026-01-01T00:00:00.750Z"), ZoneOffset.UTC));
    var tone = new TestTone(clock);
    // session sample n is at wall time .750 + n/48000: the next second starts at n = 12000
    assertThat(tone.beepAt(0)).isFalse();
    assertThat(tone.beepAt(11_999)).isFalse();
    assertThat(tone.beepAt(12_000)).isTrue();
    assertThat(tone.beepAt(12_000 + 4_799)).isTrue();
    assertThat(tone.beepAt(12_000 + 4_800)).isFalse();
    assertThat(tone.beepAt(60_000)).isTrue();
  }
}
