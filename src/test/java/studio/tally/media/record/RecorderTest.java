package studio.tally.media.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.media.CollectingSink;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.Ffprobe;

/** The recorder survives SIGKILL (fragmented MP4 plays) and leaves a regular faststart MP4 on a clean stop. */
class RecorderTest {

  @Test
  void aKilledRecordingPlaysUpToItsLastSecond(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("killed.mp4");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        RecordingChild.class.getName(), file.toString())
        .redirectErrorStream(true).start();
    try {
      var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      List<String> output = new ArrayList<>();
      var started = CompletableFuture.supplyAsync(() -> {
        try {
          String line;
          while ((line = reader.readLine()) != null) {
            synchronized (output) {
              output.add(line);
            }
            if (line.equals("RECORDING")) return true;
          }
          return false;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(started.get(60, TimeUnit.SECONDS)).as("child output: %s", output).isTrue();
      long t0 = System.nanoTime();
      Thread.sleep(4_500);
      child.destroyForcibly(); // SIGKILL on Linux and macOS
      double elapsed = (System.nanoTime() - t0) / 1e9;
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

      var probe = Ffprobe.bundled().probe(file.toString());
      assertThat(probe.video().orElseThrow().codecName()).isEqualTo("h264");
      assertThat(probe.audio().orElseThrow().codecName()).isEqualTo("aac");
      double duration = lastVideoSecond(file);
      System.out.printf("killed after %.2f s of recording; the file plays %.2f s%n", elapsed, duration);
      assertThat(duration).isGreaterThanOrEqualTo(elapsed - 1.5);
    } finally {
      child.destroyForcibly();
    }
  }

  /** Decodes the whole file with ffprobe: seconds from its first to its last decodable video frame. */
  private static double lastVideoSecond(Path file) throws Exception {
    var ffprobe = Ffprobe.bundled().executable().toString();
    var p = new ProcessBuilder(ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
        "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    var times = out.lines().filter(l -> !l.isBlank()).mapToDouble(l -> Double.parseDouble(l.strip().replace(",", "")))
        .summaryStatistics();
    if (times.getCount() == 0) throw new AssertionError("no decodable frame: " + out);
    return times.getMax() - times.getMin() + 1 / 30.0;
  }

  @Test
  void aCleanStopLeavesARegularFaststartMp4(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("clean.mp4");
    var clock = SessionClock.virtual(Clock.systemUTC());
    var format = new VideoFormat(320, 180, 30);
    var config = new MediaSession.Config(format, List.of(new VideoInput(new TestPattern("screen", format, clock), Layer.FULL)),
        List.of(new AudioInput(new TestTone(clock))), EncoderSettings.of("libx264", 500), 96, 150);
    var session = MediaSession.start(clock, config, new CollectingSink(new Recorder(file)));
    assertThat(session.awaitEnd(60, TimeUnit.SECONDS)).isTrue();
    session.close();

    List<String> boxes = topLevelBoxes(file);
    assertThat(boxes).contains("moov", "mdat").doesNotContain("moof");
    assertThat(boxes.indexOf("moov")).isLessThan(boxes.indexOf("mdat"));
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("clean.mp4");
    var probe = Ffprobe.bundled().probe(file.toString());
    assertThat(probe.format().formatName()).contains("mp4");
    assertThat(probe.format().duration()).isBetween(4.8, 5.2);
  }

  @Test
  void mkvRecordingNeedsNoSecondPass(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("clean.mkv");
    var clock = SessionClock.virtual(Clock.systemUTC());
    var format = new VideoFormat(320, 180, 30);
    var config = new MediaSession.Config(format, List.of(new VideoInput(new TestPattern("screen", format, clock), Layer.FULL)),
        List.of(new AudioInput(new TestTone(clock))), EncoderSettings.of("libx264", 500), 96, 60);
    var session = MediaSession.start(clock, config, new Recorder(file));
    assertThat(session.awaitEnd(60, TimeUnit.SECONDS)).isTrue();
    session.close();
    var probe = Ffprobe.bundled().probe(file.toString());
    assertThat(probe.format().formatName()).contains("matroska");
    assertThat(probe.video().orElseThrow().codecName()).isEqualTo("h264");
    assertThat(probe.audio().orElseThrow().sampleRate()).isEqualTo(48_000);
  }

  /** Names of the top-level ISO BMFF boxes in file order. */
  static List<String> topLevelBoxes(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    List<String> names = new ArrayList<>();
    long pos = 0;
    while (pos + 8 <= b.length) {
      int i = (int) pos;
      long size = ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFFL) << 16) | ((b[i + 2] & 0xFFL) << 8) | (b[i + 3] & 0xFFL);
      names.add(new String(b, i + 4, 4, StandardCharsets.US_ASCII));
      if (size == 1) {
        size = 0;
        for (int k = 0; k < 8; k++) size = size << 8 | (b[i + 8 + k] & 0xFFL);
      } else if (size == 0) {
        break;
      }
      pos += size;
    }
    return names;
  }
}
