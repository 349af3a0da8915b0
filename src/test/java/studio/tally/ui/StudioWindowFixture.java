package studio.tally.ui;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.testfx.util.WaitForAsyncUtils;
import studio.tally.config.RecordingSettings;
import studio.tally.config.ServerSettings;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.live.StudioStatus;
import studio.tally.testing.FreePort;

/** A studio window on a --profile dir with small settings and the embedded server on free loopback ports. */
final class StudioWindowFixture {
  final Path profile;
  final int rtmpPort = FreePort.tcp();
  final int httpPort = FreePort.tcp();
  final int udpPort = FreePort.udp();
  StudioWindow window;
  private CountDownLatch closed;

  StudioWindowFixture(Path profile) {
    this.profile = profile;
  }

  /** Test pattern + tone, 426x240 at 25 fps, 1 s keyframes; written as the profile's settings.json. */
  StudioWindowFixture writeSettings(Path recordings) throws IOException {
    StudioSettings s = StudioSettings.defaults()
        .withVideo(new VideoSettings(426, 240, 25, 600, "auto", 1))
        .withRecording(new RecordingSettings(recordings.toString(), "mp4"))
        .withServer(new ServerSettings(true, List.of("127.0.0.1:" + rtmpPort, "127.0.0.1:" + httpPort), "127.0.0.1:" + udpPort));
    SettingsStore.at(profile).save(s);
    return this;
  }

  String flvUrl() {
    return "http://127.0.0.1:" + httpPort + "/live/studio.flv";
  }

  /** Opens the window as `tally studio --profile DIR` would, and waits until the studio is ready. */
  StudioWindow open() throws Exception {
    closed = new CountDownLatch(1);
    window = WaitForAsyncUtils.asyncFx(() -> {
      StudioWindow w = new StudioWindow(new Stage(), new StudioOptions(profile, false, false), closed::countDown);
      w.show();
      return w;
    }).get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(90)).until(() -> fx(() -> window.model().phaseProperty().get()) != StudioModel.Phase.STARTING);
    return window;
  }

  StudioModel model() {
    return window.model();
  }

  StudioStatus status() throws Exception {
    return fx(() -> window.model().statusProperty().get());
  }

  StudioSettings settings() throws Exception {
    return fx(() -> window.model().settingsProperty().get());
  }

  /** Closes like the window's close button and waits for the engine to be closed. */
  void close() throws Exception {
    if (window == null) return;
    StudioWindow w = window;
    WaitForAsyncUtils.asyncFx(w::close).get(10, TimeUnit.SECONDS);
    if (!closed.await(60, TimeUnit.SECONDS)) throw new AssertionError("the studio window did not close within 60 s");
    window = null;
  }

  static <T> T fx(java.util.concurrent.Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
  }
}
