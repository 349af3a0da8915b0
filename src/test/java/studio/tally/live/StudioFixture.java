package studio.tally.live;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import studio.tally.config.RecordingSettings;
import studio.tally.config.ServerSettings;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.testing.FreePort;

/** Small, cheap studio settings on free loopback ports, and an event recorder standing in for the FX thread. */
final class StudioFixture implements AutoCloseable {
  final int rtmpPort = FreePort.tcp();
  final int httpPort = FreePort.tcp();
  final int udpPort = FreePort.udp();
  final List<StudioEvent> events = new CopyOnWriteArrayList<>();
  /** One thread, like Platform::runLater: events arrive in order, off the engine's threads. */
  final ExecutorService eventThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("test-events").factory());

  /** Test pattern + tone, 426x240 at 25 fps, 1 s keyframes, the embedded server on free ports. */
  StudioSettings settings(Path recordings) {
    return StudioSettings.defaults()
        .withVideo(new VideoSettings(426, 240, 25, 600, "auto", 1))
        .withRecording(new RecordingSettings(recordings.toString(), "mp4"))
        .withServer(new ServerSettings(true, List.of("127.0.0.1:" + rtmpPort, "127.0.0.1:" + httpPort), "127.0.0.1:" + udpPort));
  }

  String flvUrl() {
    return "http://127.0.0.1:" + httpPort + "/live/studio.flv";
  }

  List<String> notices() {
    return events.stream().filter(e -> e instanceof StudioEvent.Notice).map(e -> ((StudioEvent.Notice) e).message()).toList();
  }

  @Override
  public void close() {
    eventThread.shutdownNow();
  }
}
