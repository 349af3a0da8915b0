package studio.tally.media.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.capture.Timecode;
import studio.tally.media.capture.TimecodeReader;
import studio.tally.media.encode.EncoderCatalog;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.record.Recorder;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.Ffprobe;
import studio.tally.media.CollectingSink;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.EncoderChoice;
import studio.tally.media.H264Decoding;

/**
 * Encoding on demand in a running session (real FFmpeg, real-time clock): start/stop/start with new
 * sequence headers each time, inputs added and removed while encoding with continuous timestamps and
 * a stream that decodes and probes cleanly, and the fallback when the asked-for encoder cannot open.
 */
class LiveEncodingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final VideoFormat FORMAT = new VideoFormat(320, 180, 30);
  private final List<MediaSession> sessions = new ArrayList<>();

  private MediaSession openTestScene(SessionClock clock) {
    var session = MediaSession.open(clock, new MediaSession.Scene(FORMAT,
        List.of(new VideoInput(new TestPattern("screen", FORMAT, clock), Layer.FULL)), List.of(new AudioInput(new TestTone(clock))), 0));
    sessions.add(session);
    return session;
  }

  @AfterEach
  void closeAndCheckThreads() {
    sessions.forEach(MediaSession::close);
    assertThat(LiveSessionTest.mediaThreads()).as("threads left behind after close").isEmpty();
  }

  /** The contract every encoding's output keeps, and the screen's time codes it carries. */
  private static List<Timecode> checkStream(CollectingSink sink) {
    assertThat(sink.closed).as("sink closed at the end").isTrue();
    assertThat(sink.format.video().decoderConfig()[0]).isEqualTo((byte) 1);
    assertThat(sink.format.audio().codec()).isEqualTo("aac");
    var video = sink.video();
    assertThat(video.get(0).keyframe()).isTrue();
    assertThat(video.get(0).ptsMicros()).as("each encoding starts at 0").isZero();
    for (int i = 1; i < video.size(); i++) {
      long step = video.get(i).ptsMicros() - video.get(i - 1).ptsMicros();
      assertThat(step).as("video pts step at %d", i).isPositive();
      // a whole number of frames: 1, or more where an encoder 8 frames behind a real-time scene dropped some
      long frames = Math.round(step * FORMAT.fps() / 1e6);
      assertThat((double) step).as("video step %d is whole frames", step).isCloseTo(frames * 1e6 / FORMAT.fps(), within(1.0));
    }
    var audio = sink.audio();
    assertThat(audio).isNotEmpty();
    assertThat(audio.get(0).ptsMicros()).isLessThan(25_000); // within one AAC frame of the first picture
    for (int i = 1; i < audio.size(); i++) {
      // the mixer is rebuilt when inputs come and go; AAC frames stay back to back all the same
      assertThat(audio.get(i).ptsMicros() - audio.get(i - 1).ptsMicros()).as("audio step at %d", i).isCloseTo(21_333, within(1L));
    }
    List<Timecode> codes = new ArrayList<>();
    int[] size = {0, 0};
    H264Decoding.decode(sink.format.video().decoderConfig(), video, f -> {
      size[0] = f.width();
      size[1] = f.height();
      TimecodeReader.read(f).ifPresent(codes::add);
    });
    assertThat(size).containsExactly(320, 180);
    return codes;
  }

  @Test
  void encodingStartsStopsAndStartsAgainWhileTheSceneRuns(@TempDir Path dir) {
    var clock = SessionClock.start(Clock.systemUTC());
    var session = openTestScene(clock);
    List<Path> files = List.of(dir.resolve("first.mp4"), dir.resolve("second.mp4"));
    List<CollectingSink> sinks = new ArrayList<>();
    for (Path file : files) {
      var sink = new CollectingSink(new Recorder(file));
      sinks.add(sink);
      EncoderChoice choice = session.startEncoding(EncoderSettings.of("libx264", 500), sink);
      assertThat(choice.used()).isEqualTo("libx264");
      assertThat(choice.fellBack()).isFalse();
      assertThat(session.encoding()).isTrue();
      assertThat(session.encoderName()).isEqualTo("libx264");
      assertThatThrownBy(() -> session.startEncoding(EncoderSettings.of("libx264", 500), new CollectingSink()))
          .isInstanceOf(IllegalStateException.class).hasMessage("already encoding with libx264");
      await().atMost(WAIT).until(() -> sink.video().size() >= 45);
      session.stopEncoding();
      assertThat(session.encoding()).isFalse();
      long composed = session.stats().framesComposed();
      await().atMost(WAIT).until(() -> session.stats().framesComposed() > composed + 5); // the scene goes on
    }
    var first = checkStream(sinks.get(0));
    var second = checkStream(sinks.get(1));
    assertThat(first).isNotEmpty();
    assertThat(second).isNotEmpty();
    assertThat(second.get(0).frame()).as("the second encoding shows later pictures").isGreaterThan(first.get(first.size() - 1).frame());
    for (int i = 0; i < files.size(); i++) {
      var probe = Ffprobe.bundled().probe(files.get(i).toString());
      assertThat(probe.video().orElseThrow().codecName()).isEqualTo("h264");
      assertThat(probe.video().orElseThrow().width()).isEqualTo(320);
      assertThat(probe.audio().orElseThrow().codecName()).isEqualTo("aac");
      assertThat(probe.format().duration()).isCloseTo(sinks.get(i).video().size() / 30.0, within(0.5));
    }
    System.out.println(session.stats());
  }

  @Test
  void inputsComeAndGoWhileEncodingWithContinuousTimestamps(@TempDir Path dir) {
    var clock = SessionClock.start(Clock.systemUTC());
    var session = openTestScene(clock);
    Path file = dir.resolve("live.mp4");
    var sink = new CollectingSink(new Recorder(file));
    session.startEncoding(EncoderSettings.of("libx264", 500), sink);
    waitForMoreVideo(sink, 15);
    int camera = session.addVideoInput(new VideoInput(new TestPattern("camera", new VideoFormat(160, 90, 30), clock),
        Layer.bottomRight(0.3, 0.02)));
    waitForMoreVideo(sink, 15);
    int tone = session.addAudioInput(new AudioInput(new TestTone(clock), -6, false));
    waitForMoreVideo(sink, 15);
    session.setLayer(camera, new Layer(0.05, 0.55, 0.4, 0.4)); // bottom left: the time code band stays visible
    waitForMoreVideo(sink, 15);
    session.removeVideoInput(camera);
    session.removeAudioInput(0);
    waitForMoreVideo(sink, 15);
    session.removeAudioInput(tone); // no audio input left: the track goes on with silence
    waitForMoreVideo(sink, 15);
    for (int i = 0; i < 3; i++) { // the mixer rebuilt again and again must not shift audio against video
      int again = session.addAudioInput(new AudioInput(new TestTone(clock)));
      waitForMoreVideo(sink, 5);
      session.removeAudioInput(again);
      waitForMoreVideo(sink, 5);
    }
    session.stopEncoding();

    var codes = checkStream(sink);
    assertThat(codes).as("the screen's time code is readable in every picture").hasSize(sink.video().size());
    // never backwards; a picture repeats only where a late scene skipped ticks (fps keeps the rate constant)
    for (int i = 1; i < codes.size(); i++) assertThat(codes.get(i).frame()).isGreaterThanOrEqualTo(codes.get(i - 1).frame());
    long repeats = java.util.stream.IntStream.range(1, codes.size()).filter(i -> codes.get(i).frame() == codes.get(i - 1).frame()).count();
    assertThat(repeats).as("repeated pictures vs ticks the scene dropped").isLessThanOrEqualTo(session.stats().dropped());
    assertThat(session.audioLevels()).isEmpty();
    assertThat(session.sourceFailures()).isEmpty();
    var probe = Ffprobe.bundled().probe(file.toString());
    assertThat(probe.video().orElseThrow().codecName()).isEqualTo("h264");
    assertThat(probe.audio().orElseThrow().codecName()).isEqualTo("aac");
    assertThat(Ffprobe.bundled().countVideoPackets(file.toString(), 60)).isEqualTo(sink.video().size());
    long videoEnd = sink.video().getLast().ptsMicros();
    System.out.println("video ends at " + videoEnd + " µs, audio at " + sink.audio().getLast().ptsMicros() + " µs");
    long audioEnd = sink.audio().getLast().ptsMicros();
    // both end at the tick encoding stopped: within an AAC frame (21.3 ms) plus a video frame (33.3 ms)
    assertThat((double) audioEnd).as("audio keeps up with video").isCloseTo(videoEnd, within(60_000.0));
  }

  private static void waitForMoreVideo(CollectingSink sink, int frames) {
    int now = sink.video().size();
    await().atMost(WAIT).until(() -> sink.video().size() >= now + frames);
  }

  @Test
  void anEncoderThatCannotOpenFallsBackAndSaysWhy() {
    var clock = SessionClock.start(Clock.systemUTC());
    var session = openTestScene(clock);
    // x264 refuses an unknown preset when it opens; OpenH264 has no such option and opens
    var sink = new CollectingSink();
    EncoderChoice choice = session.startEncoding(EncoderSettings.of("libx264", 500).withPreset("no-such-preset"), sink);
    System.out.println(choice.message());
    assertThat(choice.requested()).isEqualTo("libx264");
    assertThat(choice.fellBack()).isTrue();
    assertThat(choice.failed()).first().satisfies(f -> {
      assertThat(f.encoder()).isEqualTo("libx264");
      assertThat(f.reason()).contains("cannot open libx264");
    });
    assertThat(choice.used()).isEqualTo("libopenh264");
    assertThat(choice.message()).startsWith("encoder libx264 failed: ").endsWith("; using libopenh264");
    await().atMost(WAIT).until(() -> sink.video().size() >= 10);
    session.stopEncoding();
    checkStream(sink);

    // a hardware encoder this machine lacks: its reason is FFmpeg's, and a software one takes over
    boolean nvenc = EncoderCatalog.probe(EncoderCatalog.byName("h264_nvenc")).usable();
    var second = new CollectingSink();
    choice = session.startEncoding(EncoderSettings.of("h264_nvenc", 500), second);
    System.out.println(choice.message());
    if (nvenc) {
      assertThat(choice.used()).isEqualTo("h264_nvenc");
    } else {
      assertThat(choice.message()).startsWith("encoder h264_nvenc failed: ").contains("; using ");
      assertThat(choice.used()).isIn("libx264", "libopenh264");
    }
    session.stopEncoding();
    assertThat(second.closed).isTrue();
  }
}
