package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.config.Destination;
import studio.tally.config.StudioSettings;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.testing.FreePort;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.NginxRtmp;

/** The studio going live and recording against real servers, with ffprobe as the judge. */
class StudioStreamingTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private static DestinationStatus destination(Studio studio, String id) {
    return studio.status().destinations().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void goesLiveToTheEmbeddedServerAndRecordsFromTheSameEncode() throws Exception {
    try (var fx = new StudioFixture(); var studio = Studio.open(fx.settings(dir.resolve("rec")), dir.resolve("profile"), fx.eventThread)) {
      studio.addListener(fx.events::add);
      await().atMost(LONG).until(() -> studio.status().server().state() != ServerStatus.State.STARTING);
      assertThat(studio.status().server().state()).isEqualTo(ServerStatus.State.RUNNING);
      assertThat(studio.status().server().playUrl()).isEqualTo(fx.flvUrl());

      studio.startStreaming().join();
      await().atMost(LONG).until(() -> destination(studio, Destination.LOCAL_ID).state() == DestinationStatus.State.LIVE);
      var probe = Ffprobe.bundled().probe(fx.flvUrl());
      assertThat(probe.video()).hasValueSatisfying(v -> {
        assertThat(v.codecName()).isEqualTo("h264");
        assertThat(v.width()).isEqualTo(426);
        assertThat(v.height()).isEqualTo(240);
      });
      assertThat(probe.audio()).hasValueSatisfying(a -> assertThat(a.codecName()).isEqualTo("aac"));

      // recording joins the running encode at a keyframe
      studio.startRecording().join();
      await().atMost(LONG).until(() -> studio.status().recordingMillis() > 3000 && studio.status().recordingStatus().sizeBytes() > 0);
      StudioStatus live = studio.status();
      assertThat(live.streaming()).isTrue();
      assertThat(live.recording()).isTrue();
      assertThat(live.fps()).isPositive();
      assertThat(live.bitrateKbps()).isPositive();
      assertThat(live.encoder()).isNotBlank();
      assertThat(live.memoryBytes()).isPositive();
      assertThat(live.liveTime()).matches("\\d+:\\d\\d:\\d\\d");
      Path file = live.recordingStatus().file();
      assertThat(file.getParent()).isEqualTo(dir.resolve("rec"));
      assertThat(file.getFileName().toString()).startsWith("Tally ").endsWith(".mp4");

      studio.stopRecording().join();
      assertThat(studio.status().recording()).isFalse();
      var recorded = Ffprobe.bundled().probe(file.toString());
      assertThat(recorded.video()).hasValueSatisfying(v -> assertThat(v.codecName()).isEqualTo("h264"));
      assertThat(recorded.audio()).hasValueSatisfying(a -> assertThat(a.codecName()).isEqualTo("aac"));
      assertThat(recorded.format().duration()).isGreaterThan(2.0);
      // still live after the recording ended
      assertThat(Ffprobe.bundled().countVideoPackets(fx.flvUrl(), 2)).isPositive();

      studio.stopStreaming().join();
      assertThat(studio.status().streaming()).isFalse();
      assertThat(destination(studio, Destination.LOCAL_ID).state()).isEqualTo(DestinationStatus.State.IDLE);
      await().atMost(LONG).until(() -> fx.events.stream().anyMatch(e -> e instanceof StudioEvent.StatusChanged s && s.status().streaming()));
    }
  }

  @Test
  void aFailingDestinationSaysWhyWhileTheLocalOneStaysLive() throws Exception {
    int closedPort = FreePort.tcp();
    int tokenPort = FreePort.tcp();
    var tokenServer = TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:" + tokenPort))
        .withRtcUdp("127.0.0.1:" + FreePort.udp()).withConfigDir(dir.resolve("token-server").toString())
        .withPublishToken("right-token"), "test");
    try (tokenServer; var fx = new StudioFixture()) {
      var unreachable = new Destination("gone", "Gone", "rtmp://127.0.0.1:" + closedPort + "/live", "k1", true, null, false);
      var badKey = new Destination("bad", "Token server", "rtmp://127.0.0.1:" + tokenPort + "/live", "wrong-key", true, null, false);
      var badUrl = new Destination("url", "Typo", "http://example.invalid/live", "k3", true, null, false);
      StudioSettings s = fx.settings(dir.resolve("rec")).withDestination(unreachable).withDestination(badKey).withDestination(badUrl);
      try (var studio = Studio.open(s, dir.resolve("profile"), fx.eventThread)) {
        studio.addListener(fx.events::add);
        studio.startStreaming().join();
        await().atMost(LONG).untilAsserted(() -> {
          assertThat(destination(studio, Destination.LOCAL_ID).state()).isEqualTo(DestinationStatus.State.LIVE);
          assertThat(destination(studio, "bad").state()).isEqualTo(DestinationStatus.State.FAILED);
          assertThat(destination(studio, "gone").state()).isIn(DestinationStatus.State.RECONNECTING, DestinationStatus.State.FAILED);
        });
        assertThat(destination(studio, "bad").describe()).isEqualTo("failed: the server refused the stream key");
        assertThat(destination(studio, "gone").reason()).startsWith("cannot reach 127.0.0.1:" + closedPort);
        assertThat(destination(studio, "url").reason()).contains("the destination is not usable");
        assertThat(Ffprobe.bundled().countVideoPackets(fx.flvUrl(), 2)).isPositive();
        await().atMost(LONG).until(() -> fx.notices().stream().anyMatch(n -> n.equals("Token server: the server refused the stream key")));
        assertThat(fx.notices()).noneMatch(n -> n.contains("wrong-key") || n.contains("k1"));
      }
    }
  }

  @Test
  void aDestinationEnabledWhileLiveJoinsAtAKeyframe() throws Exception {
    try (var nginx = NginxRtmp.start(); var fx = new StudioFixture()) {
      var later = new Destination("nginx", "nginx", "rtmp://127.0.0.1:" + nginx.rtmpPort() + "/live", "late", false, null, false);
      try (var studio = Studio.open(fx.settings(dir.resolve("rec")).withDestination(later), dir.resolve("profile"), fx.eventThread)) {
        studio.startStreaming().join();
        await().atMost(LONG).until(() -> destination(studio, Destination.LOCAL_ID).state() == DestinationStatus.State.LIVE);
        assertThat(destination(studio, "nginx").state()).isEqualTo(DestinationStatus.State.DISABLED);

        studio.setDestinationEnabled("nginx", true).join();
        await().atMost(LONG).until(() -> destination(studio, "nginx").state() == DestinationStatus.State.LIVE);
        var probe = Ffprobe.bundled().probe(nginx.rtmpUrl("late"));
        assertThat(probe.video()).hasValueSatisfying(v -> assertThat(v.width()).isEqualTo(426));
        assertThat(probe.audio()).isPresent();
        assertThat(studio.settings().destination("nginx").enabled()).isTrue();

        // and leaves again; the local one is not disturbed
        studio.setDestinationEnabled("nginx", false).join();
        assertThat(destination(studio, "nginx").state()).isEqualTo(DestinationStatus.State.DISABLED);
        assertThat(destination(studio, Destination.LOCAL_ID).state()).isEqualTo(DestinationStatus.State.LIVE);

        // added while live under a new id: joins too; removed: gone from status and settings
        var added = new Destination("nginx2", "nginx again", "rtmp://127.0.0.1:" + nginx.rtmpPort() + "/live", "added", true, null, false);
        studio.putDestination(added).join();
        await().atMost(LONG).until(() -> destination(studio, "nginx2").state() == DestinationStatus.State.LIVE);
        assertThat(Ffprobe.bundled().countVideoPackets(nginx.rtmpUrl("added"), 2)).isPositive();
        studio.removeDestination("nginx2").join();
        assertThat(studio.status().destinations()).extracting(DestinationStatus::id).containsExactly(Destination.LOCAL_ID, "nginx");
        assertThat(studio.settings().destinations()).extracting(Destination::id).doesNotContain("nginx2");
      }
    }
  }

  @Test
  void aBusyPortIsReportedWithAFreeOneAndTheStudioWorksWithoutTheServer() throws Exception {
    try (var fx = new StudioFixture(); var squatter = new ServerSocket(fx.rtmpPort, 50, FreePort.loopback())) {
      try (var studio = Studio.open(fx.settings(dir.resolve("rec")), dir.resolve("profile"), fx.eventThread)) {
        studio.addListener(fx.events::add);
        await().atMost(LONG).until(() -> studio.status().server().state() != ServerStatus.State.STARTING);
        ServerStatus server = studio.status().server();
        assertThat(server.state()).isEqualTo(ServerStatus.State.FAILED);
        assertThat(server.problem()).contains("port " + fx.rtmpPort + " is in use");
        assertThat(server.suggestedListen()).hasSize(2).doesNotContain("127.0.0.1:" + fx.rtmpPort)
            .contains("127.0.0.1:" + fx.httpPort);

        // recording needs no server
        studio.startRecording().join();
        await().atMost(LONG).until(() -> studio.status().recordingStatus().sizeBytes() > 0);
        studio.stopRecording().join();

        // taking the suggestion starts it, and the local destination follows the new port
        StudioSettings moved = studio.settings().withServer(studio.settings().server().withListen(server.suggestedListen()));
        studio.applySettings(moved).join();
        assertThat(studio.status().server().state()).isEqualTo(ServerStatus.State.RUNNING);
        assertThat(studio.settings().destination(Destination.LOCAL_ID).serverUrl())
            .isEqualTo("rtmp://" + server.suggestedListen().get(0) + "/live");
      }
    }
  }

  @Test
  void closeStopsEverythingAndLeavesNoThreads() throws Exception {
    Set<String> before = threadNames();
    Path file;
    try (var fx = new StudioFixture()) {
      var studio = Studio.open(fx.settings(dir.resolve("rec")), dir.resolve("profile"), fx.eventThread);
      studio.setPreview((w, h, px, t) -> {}, 160, 90);
      studio.startStreaming().join();
      studio.startRecording().join();
      await().atMost(LONG).until(() -> studio.status().recordingMillis() > 2000
          && destination(studio, Destination.LOCAL_ID).state() == DestinationStatus.State.LIVE);
      file = studio.status().recordingStatus().file();
      studio.close();
      studio.close(); // idempotent
      assertThat(studio.status().streaming()).isFalse(); // a snapshot still reads after close
      assertThat(studio.status().recording()).isFalse();
      assertThatThrownBy(() -> studio.startStreaming().join()).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StudioException.class).hasMessageContaining("closed");
      // the server is gone
      assertThat(FreePort.accepts(fx.httpPort)).isFalse();
    }
    // the recording was finished (faststart MP4)
    assertThat(Ffprobe.bundled().probe(file.toString()).format().duration()).isGreaterThan(1.0);
    await().atMost(LONG).untilAsserted(() -> assertThat(threadNames()).allMatch(n -> before.contains(n) || !ours(n)));
  }

  @Test
  void aStuckListenerNeverStallsTheEngineAndStatusEventsCoalesce() throws Exception {
    var release = new java.util.concurrent.CountDownLatch(1);
    var eventThread = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>());
    var statuses = new java.util.concurrent.atomic.AtomicInteger();
    try (var fx = new StudioFixture(); var studio = Studio.open(fx.settings(dir.resolve("rec")), null, eventThread)) {
      studio.addListener(e -> {
        if (e instanceof StudioEvent.StatusChanged) statuses.incrementAndGet();
        try {
          release.await(); // the UI thread hangs
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      });
      await().atMost(LONG).until(() -> statuses.get() == 1);
      // the engine goes on: commands complete, status moves, while the listener is stuck
      studio.startRecording().join();
      await().atMost(LONG).until(() -> studio.status().recordingMillis() > 2000);
      // ~8 status ticks happened: at most one status delivery waits (plus the first, running)
      assertThat(eventThread.getQueue().size()).isLessThanOrEqualTo(1);
      release.countDown();
      await().atMost(LONG).until(() -> statuses.get() >= 2 && eventThread.getQueue().isEmpty());
      studio.stopRecording().join();
    } finally {
      eventThread.shutdownNow();
    }
  }

  @Test
  void badCommandsFailWithAReadableReason() throws Exception {
    try (var fx = new StudioFixture()) {
      StudioSettings noDestination = fx.settings(dir.resolve("rec")).withDestination(
          Destination.local("127.0.0.1:" + fx.rtmpPort).withEnabled(false));
      try (var studio = Studio.open(noDestination, null, fx.eventThread)) {
        assertThatThrownBy(() -> studio.startStreaming().join()).hasCauseInstanceOf(StudioException.class)
            .hasMessageContaining("no destination is enabled");
        assertThatThrownBy(() -> studio.removeDestination("nope").join()).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> studio.setGain("nope", 1).join()).hasMessageContaining("'nope'");
        String pattern = studio.settings().scene().get(0).id();
        assertThatThrownBy(() -> studio.setGain(pattern, 1).join()).hasMessageContaining("is video");
        assertThat(studio.status().streaming()).isFalse();
        assertThatThrownBy(() -> studio.setPreview((w, h, px, t) -> {}, 0, 90).join()).hasMessageContaining("preview size 0x90");

        java.nio.file.Files.writeString(dir.resolve("a-file"), "not a folder");
        studio.applySettings(studio.settings().withRecording(
            new studio.tally.config.RecordingSettings(dir.resolve("a-file").resolve("rec").toString(), "mp4"))).join();
        assertThatThrownBy(() -> studio.startRecording().join()).hasCauseInstanceOf(StudioException.class)
            .hasMessageContaining("cannot create the recording folder " + dir.resolve("a-file").resolve("rec"));
        assertThat(studio.status().recording()).isFalse();
      }
    }
  }

  private static boolean ours(String name) {
    return name.startsWith("tally-");
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
  }

}
