package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.PulseAudioServer;
import studio.tally.testing.ToneAnalysis;

/**
 * {@code tally publish --mic pulse:NAME} against a PulseAudio server this test starts: the microphone
 * (a pipe source fed a 440 Hz tone at -9.03 dBFS RMS) reaches the recording and the HTTP-FLV our
 * server plays, at its frequency; a microphone that stops delivering is said on stdout and the stream
 * goes on; a microphone that does not exist is one clear line.
 */
@ExtendWith(PeerReaper.class)
class PublishMicTest {

  @Test
  void theMicrophoneIsInTheRecordingAndTheFlvAtItsFrequencyAndAStallIsSaidAndSurvived() throws Exception {
    Path dir = PeerFiles.newDir("publish-mic");
    Path rec = dir.resolve("rec.flv");
    Path played = dir.resolve("played.flv");
    try (var pulse = PulseAudioServer.start(); var ours = InProcessServer.start()) {
      var mic = pulse.startToneSource("mic", 440, 0.5);
      PeerProcess tally = TallyCli.start(pulse.environment(), java.util.List.of(), "publish", "--source", "test", "--mic",
          "pulse:mic", "--size", "320x240", "--fps", "15", "--bitrate", "300", "--to", ours.rtmp("live/m"), "--record",
          rec.toString(), "--duration", "12", "--stats-interval", "1");
      ours.awaitLive("live", "m", Duration.ofSeconds(30), () -> !tally.isAlive());
      var player = Ffmpeg.bundled().recordCopy(ours.httpFlv("live/m"), played, Duration.ofSeconds(3));
      player.waitForSuccess(Duration.ofSeconds(30));

      mic.feeder().stop(); // the microphone goes quiet without an error
      await("stall said").atMost(Duration.ofSeconds(5)).until(
          () -> TallyCli.stdout(tally).stream().anyMatch(l -> l.startsWith("mic pulse:mic: stalled")) || !tally.isAlive());
      pulse.feed(mic.fifo(), 440, 0.5);
      await("return said").atMost(Duration.ofSeconds(5)).until(
          () -> TallyCli.stdout(tally).stream().anyMatch(l -> l.equals("mic pulse:mic: capturing again")) || !tally.isAlive());
      assertThat(tally.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(tally)).isZero();
    }
    // the test tone (1 kHz at -20 dBFS) and the microphone (440 Hz at -9 dBFS) in both: the mic dominates
    for (Path file : new Path[] {played, rec}) {
      var sound = ToneAnalysis.of(file, 0.5, 2);
      assertThat(sound.dominantHz()).as(file.toString()).isCloseTo(440, within(4.4)); // drift correction: ≤ 1 %
      assertThat(sound.toneDb(440, 0, ToneAnalysis.RATE)).as(file.toString())
          .isCloseTo(PulseAudioServer.HALF_SCALE_SINE_RMS_DB, within(1.0));
    }
  }

  @Test
  void aMicrophoneThatDoesNotExistIsOneClearLine() throws Exception {
    try (var pulse = PulseAudioServer.start()) {
      pulse.loadNullSink("speakers");
      PeerProcess tally = TallyCli.start(pulse.environment(), java.util.List.of(), "publish", "--source", "test", "--mic",
          "pulse:nope", "--record", PeerFiles.newDir("publish-mic-bad").resolve("x.mkv").toString(), "--duration", "2");
      assertThat(tally.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(tally)).isNotZero();
      assertThat(tally.stderrTail()).as(TallyCli.describe(tally)).contains("no PulseAudio source 'nope'").contains("speakers.monitor")
          .doesNotContain("\tat ");
    }
  }
}
