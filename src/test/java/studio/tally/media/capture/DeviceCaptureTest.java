package studio.tally.media.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import studio.tally.media.CollectingSink;
import studio.tally.media.MediaException;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.XvfbDisplay;

/** Screen capture through x11grab from an Xvfb this test starts (it picks a free display); device errors. */
class DeviceCaptureTest {
  private static XvfbDisplay xvfb;
  private static String display;

  @BeforeAll
  static void startXvfb() {
    // Xvfb picks a free display itself: a guessed number raced other X servers on a shared /tmp
    xvfb = XvfbDisplay.start(800, 600);
    display = xvfb.display();
  }

  @AfterAll
  static void stopXvfb() {
    if (xvfb != null) xvfb.close();
  }

  @Test
  void catalogListsTheScreenAndSaysWhyAudioIsMissing() {
    List<Device> devices = DeviceCatalog.list();
    devices.forEach(System.out::println);
    assertThat(devices).filteredOn(d -> d.id().equals("x11grab:" + display + ".0")).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Device.Kind.SCREEN);
      assertThat(d.openable()).as(d.toString()).isTrue();
      assertThat(d.width()).isEqualTo(800);
      assertThat(d.height()).isEqualTo(600);
    });
    // no PulseAudio server on this machine: listed, not openable, with FFmpeg's reason
    assertThat(devices).filteredOn(d -> d.id().equals("pulse:default")).singleElement()
        .satisfies(d -> assertThat(d.openable() || !d.reason().isBlank()).isTrue());
  }

  @Test
  void x11grabDeliversFramesOfTheScreenSizeAndARegion() {
    try (var screen = DeviceCatalog.openVideo("x11grab:" + display + ".0", 30, null)) {
      assertThat(screen.width()).isEqualTo(800);
      assertThat(screen.height()).isEqualTo(600);
      var frame = screen.frameAt(1234);
      assertThat(frame.width()).isEqualTo(800);
      assertThat(frame.height()).isEqualTo(600);
      assertThat(frame.pts()).isEqualTo(1234);
      av_frame_free(frame);
    }
    try (var region = DeviceCatalog.openVideo("x11grab:" + display + ".0", 15, "10,20,320x240")) {
      assertThat(region.width()).isEqualTo(320);
      assertThat(region.height()).isEqualTo(240);
    }
  }

  @Test
  void screenWithTestPatternCameraEncodes() throws Exception {
    var clock = SessionClock.virtual(Clock.systemUTC());
    var format = new VideoFormat(640, 360, 30);
    var screen = DeviceCatalog.openVideo("x11grab:" + display + ".0", 30, null);
    var camera = new TestPattern("camera", new VideoFormat(320, 180, 30), clock);
    var sink = new CollectingSink();
    var session = MediaSession.start(clock, new MediaSession.Config(format,
        List.of(new VideoInput(screen, Layer.FULL), new VideoInput(camera, Layer.bottomRight(0.25, 0.02))), List.of(),
        EncoderSettings.of("libx264", 800), 96, 30), sink);
    assertThat(session.awaitEnd(30, TimeUnit.SECONDS)).isTrue();
    session.close();
    assertThat(session.failure()).isNull();
    assertThat(sink.video()).hasSize(30);
    assertThat(sink.format.video().width()).isEqualTo(640);
    assertThat(sink.format.audio()).isNull();
  }

  /**
   * A screen grab that stops delivering without an error (the X server frozen by SIGSTOP) is said
   * within 3 s, the session keeps sampling its last picture meanwhile, and the problem clears with
   * the next picture after the X server resumes.
   */
  @Test
  void aFrozenScreenGrabIsReportedStalledAndRecoversByItself() {
    try (var screen = DeviceCatalog.openVideo("x11grab:" + display + ".0", 30, null)) {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> screen.problem() == null);
      long frozenAt = System.nanoTime();
      xvfb.freeze(true);
      try {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
            .pollInterval(java.time.Duration.ofMillis(50)).until(() -> screen.problem() != null);
        double saidAfter = (System.nanoTime() - frozenAt) / 1e9;
        System.out.printf("frozen x11grab said after %.2f s: %s%n", saidAfter, screen.problem());
        assertThat(saidAfter).as("said within 3 s").isLessThan(3.0);
        assertThat(screen.problem()).startsWith("stalled: no picture for ");
        assertThat(screen.failure()).as("a stall is not a failure: the source stays").isNull();
        var still = screen.frameAt(42);
        assertThat(still).as("the last picture is still there").isNotNull();
        assertThat(still.width()).isEqualTo(800);
        av_frame_free(still);
      } finally {
        xvfb.freeze(false);
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> screen.problem() == null);
    }
  }

  @Test
  void unknownAndMissingDevicesAreClearErrors() {
    assertThatThrownBy(() -> DeviceCatalog.openVideo("webcam-9000", 30, null)).isInstanceOf(MediaException.class)
        .hasMessageStartingWith("unknown device 'webcam-9000': expected format:device");
    assertThatThrownBy(() -> DeviceCatalog.openVideo("v4l2:/dev/video99", 30, null)).isInstanceOf(MediaException.class)
        .hasMessageContaining("cannot open v4l2 '/dev/video99'").hasMessageContaining("No such file or directory");
    assertThatThrownBy(() -> DeviceCatalog.openVideo("x11grab::9999.0", 30, null)).isInstanceOf(MediaException.class)
        .hasMessageContaining("cannot open x11grab ':9999.0'");
    assertThatThrownBy(() -> DeviceCatalog.openVideo("x11grab:" + display + ".0", 0, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame rate");
    assertThatThrownBy(() -> DeviceCatalog.openVideo("x11grab:" + display + ".0", 30, "0,0,100000x100000"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
  }
}
