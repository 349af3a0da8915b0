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
 * the session keeps composing and encoding, the screen's place turns black, the source says
 * "disconnected" with FFmpeg's reason (no failure: it is not replaced), and when an X server comes
 * back on the same display the screen is captured again by itself.
 */
class SourceFailureTest {

  @Test
  void aScreenThatDisappearsTurnsBlackSaysSoAndComesBack() {
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(320, 240, 30);
    var xvfb = XvfbDisplay.startWhite(320, 240);
    XvfbDisplay back = null;
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
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.video().size() >= 15 && last.get() != null
          && isWhite(last.get(), 80, 60));
      assertThat(last.get().isRed(240, 180)).isTrue();

      xvfb.close(); // the "device" is unplugged
      await().atMost(Duration.ofSeconds(10)).until(() -> screen.problem() != null && screen.problem().startsWith("disconnected"));
      System.out.println(screen.problem());
      assertThat(screen.problem()).contains("x11grab");
      assertThat(screen.failure()).as("not replaced: it comes back by itself").isNull();

      // the show goes on: black where the screen was, the background still red, the encoder still fed
      int packets = sink.video().size();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(last.get().isBlack(80, 60)).isTrue();
        assertThat(last.get().isRed(240, 180)).isTrue();
        assertThat(sink.video().size()).isGreaterThan(packets + 15);
      });
      assertThat(s.encoding()).isTrue();
      assertThat(s.failure()).isNull();
      assertThat(heard).as("a disconnected device is not a failure").isEmpty();
      assertThat(s.videoInputs()).containsExactly(0, 1);

      // the display comes back: captured again, white where the screen is
      back = XvfbDisplay.startWhiteOn(xvfb.number(), 320, 240);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        assertThat(screen.problem()).isNull();
        assertThat(isWhite(last.get(), 80, 60)).as("the screen again").isTrue();
      });
      assertThat(last.get().isRed(240, 180)).isTrue();
      s.stopEncoding();
      assertThat(sink.closed).isTrue();
    } finally {
      if (session != null) session.close();
      xvfb.close();
      if (back != null) back.close();
    }
    assertThat(LiveSessionTest.mediaThreads()).isEmpty();
  }

  private static boolean isWhite(LiveSessionTest.Picture p, int x, int y) {
    int c = p.at(x, y);
    return (c >> 16 & 0xFF) > 220 && (c >> 8 & 0xFF) > 220 && (c & 0xFF) > 220;
  }
}
