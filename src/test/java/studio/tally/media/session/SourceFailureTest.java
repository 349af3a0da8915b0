package studio.tally.media.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import studio.tally.media.capture.DeviceCatalog;
import studio.tally.media.capture.SolidPicture;
import studio.tally.media.capture.TestTone;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.XvfbDisplay;
import studio.tally.media.CollectingSink;
import studio.tally.media.SessionClock;
import studio.tally.media.SourceFailure;
import studio.tally.media.VideoFormat;

/**
 * A screen captured with x11grab whose X server goes away mid-session (the test kills its Xvfb):
 * the session keeps composing and encoding, the screen's place turns black, and the failure is
 * reported with FFmpeg's reason.
 */
class SourceFailureTest {

  @Test
  void aScreenThatDisappearsBecomesBlackAndIsReported() {
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(320, 240, 30);
    var xvfb = XvfbDisplay.start(320, 240);
    MediaSession session = null;
    try {
      var screen = DeviceCatalog.openVideo("x11grab:" + xvfb.display() + ".0", 30, null);
      session = MediaSession.open(clock, new MediaSession.Scene(format,
          List.of(new VideoInput(new SolidPicture("red", 320, 240, 0xFF0000), Layer.FULL), new VideoInput(screen, new Layer(0, 0, 0.5, 0.5))),
          List.of(new AudioInput(new TestTone(clock))), 0));
      List<SourceFailure> heard = new CopyOnWriteArrayList<>();
      session.onSourceFailure(heard::add);
      AtomicReference<LiveSessionTest.Picture> last = new AtomicReference<>();
      session.setPreview(f -> last.set(LiveSessionTest.Picture.of(f)), 320, 240);
      var sink = new CollectingSink();
      session.startEncoding(EncoderSettings.of("libx264", 300), sink);
      var s = session;
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.video().size() >= 15 && last.get() != null);
      assertThat(last.get().isRed(240, 180)).isTrue();

      xvfb.close(); // the "device" is unplugged
      await().atMost(Duration.ofSeconds(30)).until(() -> !s.sourceFailures().isEmpty());
      SourceFailure failure = s.sourceFailures().getFirst();
      System.out.println(failure.message());
      assertThat(failure.kind()).isEqualTo(SourceFailure.Kind.VIDEO);
      assertThat(failure.input()).isEqualTo(1);
      assertThat(failure.source()).contains("x11grab");
      assertThat(failure.reason()).contains("x11grab");
      assertThat(failure.message()).endsWith("; showing black");
      assertThat(heard).containsExactly(failure);

      // the show goes on: black where the screen was, the background still red, the encoder still fed
      int packets = sink.video().size();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(last.get().isBlack(80, 60)).isTrue();
        assertThat(last.get().isRed(240, 180)).isTrue();
        assertThat(sink.video().size()).isGreaterThan(packets + 15);
      });
      assertThat(s.encoding()).isTrue();
      assertThat(s.failure()).isNull();
      assertThat(s.videoInputs()).containsExactly(0, 1);
      s.stopEncoding();
      assertThat(sink.closed).isTrue();
    } finally {
      if (session != null) session.close();
      xvfb.close();
    }
    assertThat(LiveSessionTest.mediaThreads()).isEmpty();
  }
}
