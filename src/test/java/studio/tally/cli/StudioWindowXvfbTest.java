package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.config.Placement;
import studio.tally.config.RecordingSettings;
import studio.tally.config.SceneSource;
import studio.tally.config.ServerSettings;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.XvfbDisplay;

/**
 * {@code tally --start-streaming --profile DIR} as a user runs it (OBS-style launch flags, no {@code studio} word): a child JVM with a real
 * window (glass GTK) on an Xvfb display. The stream plays, a screenshot is taken, SIGTERM closes it
 * cleanly. The screenshot goes to target/studio.png; with {@code -Dtally.screenshot=docs/images/studio.png}
 * it refreshes the README's picture.
 */
class StudioWindowXvfbTest {

  @Test
  void theStudioWindowGoesLiveFromItsLaunchFlagAndStopsOnSigterm(@TempDir Path profile, @TempDir Path recordings)
      throws Exception {
    int rtmp = FreePort.tcp();
    int http = FreePort.tcp();
    StudioSettings settings = StudioSettings.defaults(List.of(
            SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL),
            SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.PIP),
            SceneSource.audio(SceneSource.Kind.TONE, null)))
        .withVideo(new VideoSettings(1280, 720, 30, 2500, "auto", 2))
        .withRecording(new RecordingSettings(recordings.toString(), "mp4"))
        .withServer(new ServerSettings(true, List.of("127.0.0.1:" + rtmp, "127.0.0.1:" + http), "127.0.0.1:" + FreePort.udp()));
    SettingsStore.at(profile).save(settings);

    try (XvfbDisplay x = XvfbDisplay.start(1280, 800);
         PeerProcess studio = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(),
             "--start-streaming", "--profile", profile.toString())) {
      String flv = "http://127.0.0.1:" + http + "/live/studio.flv";
      await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
          .untilAsserted(() -> assertThat(Ffprobe.bundled().probe(flv, Duration.ofSeconds(20)).video()).isPresent());
      Ffprobe.Probe probe = Ffprobe.bundled().probe(flv, Duration.ofSeconds(20));
      assertThat(probe.video().orElseThrow().width()).isEqualTo(1280);
      assertThat(probe.audio()).isPresent();
      assertThat(Files.readString(studio.stderrFile())).contains("first preview frame");

      Path shot = Path.of("target", "studio.png").toAbsolutePath();
      Files.deleteIfExists(shot);
      // the status bar updates a few times a second: give it one more round after the stream plays
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
      Ffmpeg.bundled().start(List.of("-y", "-f", "x11grab", "-video_size", "1280x800", "-i", x.display(),
          "-frames:v", "1", shot.toString())).waitForSuccess(Duration.ofSeconds(30));
      assertThat(shot).isNotEmptyFile();
      String keep = System.getProperty("tally.screenshot");
      if (keep != null && !keep.isBlank()) {
        Path target = Path.of(keep).toAbsolutePath();
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }

      // SIGTERM: stop streaming, stop the server, exit 0 — bounded
      ProcessHandle.of(studio.pid()).orElseThrow().destroy();
      int code = studio.waitFor(Duration.ofSeconds(30));
      assertThat(code).as(TallyCli.describe(studio)).isZero();
      assertThat(Files.readString(studio.stderrFile())).contains("server stopped");
      assertThat(FreePort.accepts(rtmp)).as("the server port is closed").isFalse();
    }
  }

  @Test
  void withoutADisplayItSaysSoAndExits(@TempDir Path profile) {
    try (PeerProcess studio = TallyCli.start(Map.of(), List.of("DISPLAY", "WAYLAND_DISPLAY"),
        "studio", "--profile", profile.toString())) {
      assertThat(studio.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(studio.stderrTail()).contains("cannot open the studio window: no display").doesNotContain("Exception");
    }
  }
}
