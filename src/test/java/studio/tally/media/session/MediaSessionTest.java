package studio.tally.media.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.capture.Timecode;
import studio.tally.media.capture.TimecodeReader;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.record.Recorder;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.Ffprobe;
import studio.tally.media.CollectingSink;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.EncodedPacket;
import studio.tally.media.H264Decoding;
import studio.tally.media.MediaException;

/**
 * Test pattern ("screen") + a second test pattern as picture-in-picture "camera" + tone → scene →
 * libx264 + aac → a collecting sink and the MP4 recorder; ffprobe reads the file back.
 */
class MediaSessionTest {

  static MediaSession.Config config(SessionClock clock, VideoFormat format, String encoder, long frames) {
    var screen = new TestPattern("screen", format, clock);
    var camera = new TestPattern("camera", new VideoFormat(320, 180, format.fps()), clock);
    return new MediaSession.Config(format,
        List.of(new VideoInput(screen, Layer.FULL), new VideoInput(camera, Layer.bottomRight(0.3, 0.02))),
        List.of(new AudioInput(new TestTone(clock), -3, false)),
        EncoderSettings.of(encoder, 1000), 128, frames);
  }

  @Test
  void composesEncodesAndRecordsAPlayableFile(@TempDir Path dir) throws Exception {
    var clock = SessionClock.virtual(Clock.systemUTC());
    var format = new VideoFormat(640, 360, 30);
    Path mp4 = dir.resolve("scene.mp4");
    var sink = new CollectingSink(new Recorder(mp4));
    var session = MediaSession.start(clock, config(clock, format, "libx264", 90), sink);
    assertThat(session.awaitEnd(60, TimeUnit.SECONDS)).isTrue();
    session.close();
    assertThat(session.failure()).isNull();
    assertThat(sink.closed).isTrue();
    var stats = session.stats();
    System.out.println(stats);
    assertThat(stats.framesEncoded()).isEqualTo(90);
    assertThat(stats.dropped()).isZero();

    // the contract: format first, video AVCC with avcC, AAC with its AudioSpecificConfig, decode order per track
    assertThat(sink.format.video().encoderName()).isEqualTo("libx264");
    assertThat(sink.format.video().decoderConfig()[0]).isEqualTo((byte) 1);
    assertThat(sink.format.audio().audioSpecificConfig()).startsWith(0x11, 0x90); // AAC-LC, 48 kHz, stereo (+ SBR sync ext.)
    var video = sink.video();
    assertThat(video).hasSize(90);
    assertThat(video.get(0).keyframe()).isTrue();
    assertThat(video.stream().filter(EncodedPacket::keyframe).count()).isGreaterThanOrEqualTo(2); // 2 s GOP over 3 s
    for (int i = 1; i < video.size(); i++) {
      assertThat(video.get(i).dtsMicros()).isGreaterThan(video.get(i - 1).dtsMicros());
      assertThat(video.get(i).ptsMicros() - video.get(i - 1).ptsMicros()).isCloseTo(33_333, within(1L));
    }
    var audio = sink.audio();
    assertThat(audio.size()).isBetween(135, 145); // 3 s of 1024-sample frames
    for (int i = 1; i < audio.size(); i++) assertThat(audio.get(i).dtsMicros()).isGreaterThan(audio.get(i - 1).dtsMicros());

    // the picture carries the screen pattern's time code, frame after frame
    List<Timecode> codes = new ArrayList<>();
    H264Decoding.decode(sink.format.video().decoderConfig(), video, f -> codes.add(TimecodeReader.read(f).orElseThrow()));
    assertThat(codes).extracting(Timecode::frame).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, 90).boxed().toList());

    var probe = Ffprobe.bundled().probe(mp4.toString());
    var v = probe.video().orElseThrow();
    assertThat(v.codecName()).isEqualTo("h264");
    assertThat(v.width()).isEqualTo(640);
    assertThat(v.height()).isEqualTo(360);
    assertThat(v.avgFps()).isCloseTo(30, within(0.5));
    var a = probe.audio().orElseThrow();
    assertThat(a.codecName()).isEqualTo("aac");
    assertThat(a.sampleRate()).isEqualTo(48_000);
    assertThat(a.channels()).isEqualTo(2);
    assertThat(probe.format().duration()).isCloseTo(3.0, within(0.2));
  }

  @Test
  void unknownEncoderIsAClearErrorAndClosesTheSources() {
    var clock = SessionClock.virtual(Clock.systemUTC());
    assertThatThrownBy(() -> MediaSession.start(clock, config(clock, new VideoFormat(320, 180, 30), "x", 10), new CollectingSink()))
        .isInstanceOf(MediaException.class)
        .hasMessageStartingWith("unknown encoder 'x': available: ")
        .hasMessageContaining("libx264");
  }

  @Test
  void absurdFormatsAreRefusedBeforeFfmpegSeesThem() {
    assertThatThrownBy(() -> new VideoFormat(0, 0, 30)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x0 out of range");
    assertThatThrownBy(() -> new VideoFormat(100_000, 100_000, 30)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100000x100000 out of range");
    assertThatThrownBy(() -> new VideoFormat(1280, 720, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frame rate 0.0 out of range");
    assertThatThrownBy(() -> new VideoFormat(1280, 720, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VideoFormat(1281, 720, 30)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("even");
    assertThatThrownBy(() -> VideoFormat.parse("big", 30)).hasMessageContaining("WIDTHxHEIGHT");
    assertThatThrownBy(() -> EncoderSettings.of("libx264", 0)).hasMessageContaining("bitrate 0 kbps");
    assertThatThrownBy(() -> new Layer(0.5, 0.5, 0, 0.2)).hasMessageContaining("layer size");
  }
}
