package studio.tally.media.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.IntBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.media.capture.SolidPicture;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.capture.Timecode;
import studio.tally.media.capture.TimecodeReader;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.media.PreviewFrame;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.AudioLevel;
import studio.tally.media.CollectingSink;
import studio.tally.media.EncodedPacket;
import studio.tally.media.MediaException;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * The live side of a session, with real FFmpeg and a real-time clock: preview frames (size, rate,
 * the pattern's time code read back from the ARGB pixels), meters on a tone of known amplitude,
 * moving the picture-in-picture, bad input, and no thread left behind.
 */
class LiveSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<MediaSession> sessions = new ArrayList<>();

  /** A copy of one preview frame (the session's buffer is only lent). */
  record Picture(int width, int height, int[] argb, long ptsMicros) {
    static Picture of(PreviewFrame f) {
      int[] copy = new int[f.width() * f.height()];
      IntBuffer pixels = f.pixels();
      pixels.get(0, copy);
      return new Picture(f.width(), f.height(), copy, f.ptsMicros());
    }

    int at(int x, int y) {
      return argb[y * width + x];
    }

    /** BT.601 luma of an ARGB pixel, for the time code reader. */
    int luma(int x, int y) {
      int p = at(x, y);
      return (int) Math.round(0.299 * (p >> 16 & 0xFF) + 0.587 * (p >> 8 & 0xFF) + 0.114 * (p & 0xFF));
    }

    boolean isRed(int x, int y) {
      int p = at(x, y);
      return (p >>> 24) == 0xFF && (p >> 16 & 0xFF) > 200 && (p >> 8 & 0xFF) < 60 && (p & 0xFF) < 60;
    }

    boolean isBlack(int x, int y) {
      int p = at(x, y);
      return (p >> 16 & 0xFF) < 30 && (p >> 8 & 0xFF) < 30 && (p & 0xFF) < 30;
    }
  }

  private MediaSession open(SessionClock clock, VideoFormat format, List<VideoInput> video, List<AudioInput> audio) {
    var session = MediaSession.open(clock, new MediaSession.Scene(format, video, audio, 0));
    sessions.add(session);
    return session;
  }

  @AfterEach
  void closeAndCheckThreads() {
    sessions.forEach(MediaSession::close);
    assertThat(mediaThreads()).as("threads left behind after close").isEmpty();
  }

  static List<String> mediaThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("tally-media") || n.startsWith("tally-capture")).toList();
  }

  @Test
  void previewFramesCarryTheSceneAtItsRateWithAReadableTimeCode() {
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(640, 360, 30);
    var session = open(clock, format, List.of(new VideoInput(new TestPattern("screen", format, clock), Layer.FULL)),
        List.of(new AudioInput(new TestTone(clock))));
    List<Picture> pictures = new CopyOnWriteArrayList<>();
    session.setPreview(f -> pictures.add(Picture.of(f)), 640, 360);
    await().atMost(WAIT).until(() -> pictures.size() >= 45);
    session.setPreview(null, 0, 0);
    var stats = session.stats();
    System.out.println(stats);

    List<Timecode> codes = new ArrayList<>();
    for (Picture p : pictures) {
      assertThat(p.width()).isEqualTo(640);
      assertThat(p.height()).isEqualTo(360);
      codes.add(TimecodeReader.read(p::luma, p.width(), p.height()).orElseThrow(() -> new AssertionError("no time code at " + p.ptsMicros())));
    }
    // frames are never reordered; when the consumer keeps up, every scene frame arrives
    for (int i = 1; i < pictures.size(); i++) {
      long step = pictures.get(i).ptsMicros() - pictures.get(i - 1).ptsMicros();
      assertThat(step % format.frameMicros()).as("pts step %d", step).isIn(0L, 1L, format.frameMicros() - 1);
      assertThat(step).isPositive();
      // a picture repeats only where a late scene skipped ticks (fps keeps the rate constant)
      assertThat(codes.get(i).frame()).isGreaterThanOrEqualTo(codes.get(i - 1).frame());
    }
    Map<Long, Long> steps = new java.util.HashMap<>();
    for (int i = 1; i < pictures.size(); i++) steps.merge(pictures.get(i).ptsMicros() - pictures.get(i - 1).ptsMicros(), 1L, Long::sum);
    long commonest = steps.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertThat((double) commonest).as("usual step between preview frames, µs").isCloseTo(1e6 / 30, within(1.0));
    assertThat(stats.previewFrames()).isGreaterThanOrEqualTo(45);
    assertThat(stats.encoder()).isEqualTo("none");
    assertThat(session.encoding()).isFalse();
  }

  @Test
  void previewOfAnySizeFillsEveryPixelAndStopsCleanly() {
    // swscale writes whole SIMD blocks: a tight 426-wide ARGB buffer was overrun and the native heap
    // corrupted ("double free" when the preview thread ended); odd and tiny sizes must work too
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(640, 360, 30);
    var session = open(clock, format, List.of(new VideoInput(new SolidPicture("red", 640, 360, 0xFF0000), Layer.FULL)), List.of());
    for (int[] size : new int[][] {{426, 240}, {333, 187}, {2, 2}, {1279, 719}, {640, 360}}) {
      AtomicReference<Picture> last = new AtomicReference<>();
      session.setPreview(f -> last.set(Picture.of(f)), size[0], size[1]);
      await().atMost(WAIT).untilAsserted(() -> {
        Picture p = last.get();
        assertThat(p).isNotNull();
        assertThat(p.width()).isEqualTo(size[0]);
        assertThat(p.height()).isEqualTo(size[1]);
        for (int y = 0; y < p.height(); y++) {
          for (int x = 0; x < p.width(); x++) {
            if (!p.isRed(x, y)) throw new AssertionError("pixel " + x + "," + y + " of " + size[0] + "x" + size[1] + " is "
                + Integer.toHexString(p.at(x, y)));
          }
        }
      });
      session.setPreview(null, 0, 0); // ends the preview thread, freeing its buffers
    }
    assertThat(mediaThreads()).containsOnly("tally-media-scene");

    // a sink may stop its own preview from inside the callback (no self-join, no hang)
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    session.setPreview(f -> {
      calls.incrementAndGet();
      session.setPreview(null, 0, 0);
    }, 64, 36);
    await().atMost(WAIT).until(() -> calls.get() >= 1 && mediaThreads().equals(List.of("tally-media-scene")));
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void metersReadTheToneAfterGainAndMute() {
    // session start 500 ms after a whole second: the beep (−6 dBFS) covers 100 ms of each second, the
    // 1 kHz tone at 0.1 (−20 dBFS peak, −23.01 dBFS RMS) the rest
    var clock = SessionClock.start(Clock.offset(Clock.fixed(Instant.parse("2026-01-01T00:00:00.500Z"), ZoneOffset.UTC), Duration.ZERO));
    var format = new VideoFormat(320, 180, 30);
    var session = open(clock, format, List.of(new VideoInput(SolidPicture.black("black", 320, 180), Layer.FULL)),
        List.of(new AudioInput(new TestTone(clock)), new AudioInput(new TestTone(clock), -10, false)));
    assertThat(session.audioInputs()).containsExactly(0, 1);
    await().atMost(WAIT).untilAsserted(() -> {
      var levels = session.audioLevels();
      assertThat(levels).extracting(AudioLevel::input).containsExactly(0, 1);
      assertThat(levels.get(0).peakDb()).isCloseTo(-20, within(0.5));
      assertThat(levels.get(0).rmsDb()).isCloseTo(-23.01, within(0.5));
      assertThat(levels.get(1).peakDb()).isCloseTo(-30, within(0.5));
      assertThat(levels.get(1).rmsDb()).isCloseTo(-33.01, within(0.5));
    });
    session.setGain(0, -6);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(session.audioLevels().get(0).peakDb()).isCloseTo(-26, within(0.5));
      assertThat(session.audioLevels().get(0).rmsDb()).isCloseTo(-29.01, within(0.5));
    });
    session.setMuted(1, true);
    await().atMost(WAIT).untilAsserted(() -> assertThat(session.audioLevels().get(1))
        .isEqualTo(AudioLevel.silent(1)));
    session.setMuted(1, false);
    await().atMost(WAIT).untilAsserted(() -> assertThat(session.audioLevels().get(1).peakDb()).isCloseTo(-30, within(0.5)));

    // a source added while running gets a meter; a removed one loses it
    int added = session.addAudioInput(new AudioInput(new TestTone(clock), -3, false));
    await().atMost(WAIT).untilAsserted(() -> {
      var levels = session.audioLevels();
      assertThat(levels).extracting(AudioLevel::input).containsExactly(0, 1, added);
      assertThat(levels.get(2).peakDb()).isCloseTo(-23, within(0.5));
    });
    session.removeAudioInput(0);
    await().atMost(WAIT).untilAsserted(() -> assertThat(session.audioLevels()).extracting(AudioLevel::input).containsExactly(1, added));
  }

  @Test
  void setLayerMovesThePictureInPicture() {
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(640, 360, 30);
    var session = open(clock, format, List.of(
        new VideoInput(SolidPicture.black("black", 640, 360), Layer.FULL),
        new VideoInput(new SolidPicture("red", 160, 90, 0xFF0000), new Layer(0.05, 0.05, 0.25, 0.25))), List.of());
    AtomicReference<Picture> last = new AtomicReference<>();
    session.setPreview(f -> last.set(Picture.of(f)), 320, 180); // a preview smaller than the scene
    // top left quarter-size PiP: (16..96, 9..54) in the 320x180 preview
    await().atMost(WAIT).untilAsserted(() -> {
      Picture p = last.get();
      assertThat(p).isNotNull();
      assertThat(p.isRed(56, 31)).as("PiP at top left").isTrue();
      assertThat(p.isBlack(280, 150)).as("bottom right is background").isTrue();
    });
    session.setLayer(1, new Layer(0.70, 0.65, 0.25, 0.25));
    await().atMost(WAIT).untilAsserted(() -> {
      Picture p = last.get();
      assertThat(p.isRed(264, 139)).as("PiP now at bottom right").isTrue();
      assertThat(p.isBlack(56, 31)).as("top left is background again").isTrue();
    });
    // a PiP added on top, then removed
    int green = session.addVideoInput(new VideoInput(new SolidPicture("white", 64, 64, 0xFFFFFF), new Layer(0.4, 0.4, 0.2, 0.2)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(last.get().at(160, 90) & 0xFFFFFF).isGreaterThan(0xE0E0E0));
    session.removeVideoInput(green);
    await().atMost(WAIT).untilAsserted(() -> assertThat(last.get().isBlack(160, 90)).isTrue());
    assertThat(session.videoInputs()).containsExactly(0, 1);
  }

  @Test
  void badInputGetsClearErrors() {
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(320, 180, 30);
    var session = open(clock, format, List.of(new VideoInput(SolidPicture.black("black", 320, 180), Layer.FULL)),
        List.of(new AudioInput(new TestTone(clock))));
    assertThatThrownBy(() -> session.setLayer(7, Layer.FULL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no video input 7 (video inputs: [0])");
    assertThatThrownBy(() -> session.setLayer(0, null)).isInstanceOf(NullPointerException.class).hasMessage("layer");
    assertThatThrownBy(() -> session.addVideoInput(null)).isInstanceOf(NullPointerException.class).hasMessage("input");
    assertThatThrownBy(() -> session.addAudioInput(new AudioInput(null))).isInstanceOf(NullPointerException.class)
        .hasMessage("input.source");
    assertThatThrownBy(() -> session.removeVideoInput(0)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is the last one");
    assertThatThrownBy(() -> session.removeAudioInput(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no audio input -1 (audio inputs: [0])");
    assertThatThrownBy(() -> session.setGain(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gain NaN dB");
    assertThatThrownBy(() -> session.setPreview(f -> {}, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("preview size 0x0 out of range");
    assertThatThrownBy(() -> session.startEncoding(EncoderSettings.of("nope", 500), new CollectingSink()))
        .isInstanceOf(MediaException.class).hasMessageStartingWith("unknown encoder 'nope'");
    assertThatThrownBy(() -> session.startEncoding(EncoderSettings.of("libx264", 500), 5, new CollectingSink()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audio bitrate 5 kbps");
    assertThatThrownBy(() -> MediaSession.open(clock, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new MediaSession.Scene(format, List.of(), List.of(), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a video source");
    assertThatCode(session::stopEncoding).doesNotThrowAnyException(); // not encoding: nothing to stop

    // stopping or closing from a sink callback would wait for the very thread that calls: refused
    AtomicReference<RuntimeException> fromCallback = new AtomicReference<>();
    var collected = new CollectingSink();
    PacketSink selfStopping = new PacketSink() {
      @Override
      public void onFormat(StreamFormat format) {
        collected.onFormat(format);
      }

      @Override
      public void onPacket(EncodedPacket packet) {
        collected.onPacket(packet);
        try {
          session.stopEncoding();
        } catch (IllegalStateException e) {
          fromCallback.compareAndSet(null, e);
        }
      }

      @Override
      public void close() {
        collected.close();
      }
    };
    session.startEncoding(EncoderSettings.of("libx264", 300), selfStopping);
    await().atMost(WAIT).until(() -> fromCallback.get() != null);
    assertThat(fromCallback.get()).hasMessage("stopEncoding() called from a media callback (tally-media-encode) would wait for itself; "
        + "hand it to another thread");
    session.stopEncoding();
    assertThat(collected.closed).isTrue();

    session.close();
    session.close(); // twice is fine
    assertThatThrownBy(() -> session.setLayer(0, Layer.FULL)).isInstanceOf(IllegalStateException.class)
        .hasMessage("media session is closed");
    assertThatThrownBy(() -> session.startEncoding(EncoderSettings.of("libx264", 500), new CollectingSink()))
        .isInstanceOf(IllegalStateException.class).hasMessage("media session is closed");
    assertThatThrownBy(() -> session.addVideoInput(new VideoInput(SolidPicture.black("b", 16, 16), Layer.FULL)))
        .isInstanceOf(IllegalStateException.class).hasMessage("media session is closed");
    assertThatThrownBy(() -> session.setPreview(f -> {}, 320, 180)).isInstanceOf(IllegalStateException.class);
    assertThat(session.audioLevels()).hasSize(1);
    assertThat(mediaThreads()).isEmpty();
  }

  static String describe(List<EncodedPacket> packets) {
    return packets.stream().map(p -> p.track() + "@" + p.dtsMicros()).collect(Collectors.joining(" "));
  }
}
