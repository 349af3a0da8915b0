package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static studio.tally.output.RtmpPublisherTest.assertPlays;
import static studio.tally.output.RtmpPublisherTest.awaitLive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.media.EncodedPacket;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.MediaTag;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerReaper;

/** Reconnects, isolation between destinations, congestion, and servers that misbehave. */
@ExtendWith(PeerReaper.class)
class RtmpPublisherResilienceTest {

  private static TallyServer server(Path dir, String listen) throws Exception {
    return TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of(listen)).withConfigDir(dir.toString()), "test");
  }

  @Test
  void serverRestartMidPublishReconnectsAndResendsHeaders() throws Exception {
    Path dir = Files.createTempDirectory("tally-out");
    TallyServer first = server(dir, "127.0.0.1:0");
    int port = first.boundAddresses().getFirst().getPort();
    List<DestinationState> states = new CopyOnWriteArrayList<>();
    try (var publisher = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/restart"), RtmpPublisherOptions.defaults());
         var replay = TestMedia.Replay.realTime(publisher)) {
      publisher.addListener(states::add);
      awaitLive(publisher);
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.stats().framesSent() > 50);
      long stoppedAt = System.nanoTime();
      first.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.state() instanceof DestinationState.Reconnecting);
      Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - stoppedAt) / 1_000_000));
      long restartedAt = System.nanoTime();
      try (TallyServer second = server(dir, "127.0.0.1:" + port)) {
        awaitLive(publisher);
        long liveAt = System.nanoTime();
        System.out.printf("reconnect: outage to live %d ms, new server up to live %d ms, states %s%n",
            (liveAt - stoppedAt) / 1_000_000, (liveAt - restartedAt) / 1_000_000, states);
        assertThat(publisher.stats().reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(states).anySatisfy(s -> assertThat(s).isInstanceOf(DestinationState.Reconnecting.class));
        // the new server has never seen this publisher: it can only play with metadata and sequence headers resent
        assertPlays("rtmp://127.0.0.1:" + port + "/live/restart");
        var stream = second.hub().streams().iterator().next();
        assertThat(stream.hasVideo()).isTrue();
        assertThat(stream.hasAudio()).isTrue();
        var config = stream.configSnapshot();
        try {
          assertThat(config).extracting(MediaTag::kind).containsExactly(MediaTag.Kind.SCRIPT, MediaTag.Kind.VIDEO, MediaTag.Kind.AUDIO);
          assertThat(config.getFirst().body().toString(java.nio.charset.StandardCharsets.ISO_8859_1)).contains("onMetaData", "Tally");
          // the session clock went on: the headers of the second connection carry the time reached, not 0
          assertThat(config.get(1).timestamp()).isGreaterThan(4000);
          System.out.println("sequence headers resent at " + config.get(1).timestamp() + " ms");
        } finally {
          config.forEach(MediaTag::release);
        }
        System.out.println("after reconnect: " + publisher.stats());
      }
    }
  }

  @Test
  void anUnreachableDestinationDoesNotDisturbTheOther() throws Exception {
    Path dir = Files.createTempDirectory("tally-out");
    int closedPort = FreePort.tcp();
    try (TallyServer srv = server(dir, "127.0.0.1:0")) {
      int port = srv.boundAddresses().getFirst().getPort();
      var good = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/good"), RtmpPublisherOptions.defaults());
      var bad = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + closedPort + "/live/bad"), RtmpPublisherOptions.defaults());
      try (var fanOut = new FanOut(List.of(bad, good)); var replay = TestMedia.Replay.realTime(fanOut)) {
        awaitLive(good);
        await().atMost(Duration.ofSeconds(10)).until(() -> bad.state() instanceof DestinationState.Reconnecting);
        var reconnecting = (DestinationState.Reconnecting) bad.state();
        System.out.println("unreachable: " + reconnecting);
        assertThat(reconnecting.reason()).contains("cannot connect to 127.0.0.1:" + closedPort).containsIgnoringCase("refused");
        assertThat(reconnecting.inSeconds()).isBetween(2.0, 2.4);
        assertPlays("rtmp://127.0.0.1:" + port + "/live/good");
        assertThat(good.state()).isEqualTo(DestinationState.LIVE);
        assertThat(fanOut.failed()).isEmpty();
      }
      assertThat(good.state()).isEqualTo(DestinationState.STOPPED);
    }
  }

  @Test
  void aServerThatStopsReadingCostsFramesNotTheCaller() throws Exception {
    try (var stuck = new StuckRtmpServer(StuckRtmpServer.Mode.STOP_READING)) {
      var limits = SendQueueLimits.DEFAULT;
      var publisher = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + stuck.port() + "/live/stuck"), RtmpPublisherOptions.defaults());
      var media = TestMedia.FIVE_SECONDS;
      long[] slowest = {0};
      var durations = new java.util.ArrayList<Long>();
      long[] maxQueued = {0};
      try {
        publisher.onFormat(media.format);
        awaitLive(publisher);
        assertThat(stuck.publishAccepted()).isTrue();
        // 240 s of media at 20x real time: enough to fill the socket buffers many times over
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
          long start = System.nanoTime();
          for (int pass = 0; pass < 48; pass++) {
            long offset = pass * media.loopMicros;
            for (EncodedPacket p : media.packets) {
              long due = start + (p.dtsMicros() + offset) * 1000 / 20;
              long wait = due - System.nanoTime();
              if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              long t0 = System.nanoTime();
              publisher.onPacket(new EncodedPacket(p.track(), p.ptsMicros() + offset, p.dtsMicros() + offset, p.keyframe(), p.data()));
              slowest[0] = Math.max(slowest[0], System.nanoTime() - t0);
              durations.add(System.nanoTime() - t0);
              var s = publisher.stats();
              maxQueued[0] = Math.max(maxQueued[0], s.queuedMillis());
              assertThat(s.queuedMillis()).isLessThanOrEqualTo(limits.maxMillis());
              assertThat(s.queuedBytes()).isLessThanOrEqualTo(limits.maxBytes());
            }
          }
        });
        var stats = publisher.stats();
        var sorted = durations.stream().sorted().toList();
        System.out.printf("onPacket: %d calls, median %.3f ms, p99 %.3f ms, p99.9 %.3f ms; slowest at call %s%n", sorted.size(),
            sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6, sorted.get(sorted.size() * 999 / 1000) / 1e6,
            java.util.stream.IntStream.range(0, durations.size()).boxed().sorted((a, b) -> Long.compare(durations.get(b), durations.get(a)))
                .limit(5).map(i -> i + "=" + durations.get(i) / 1000 + "us").toList());
        System.out.printf("congestion: %s; slowest onPacket %.3f ms; max queued %d ms%n", stats, slowest[0] / 1e6, maxQueued[0]);
        assertThat(stats.framesDropped()).isPositive();
        assertThat(stats.state()).isEqualTo(DestinationState.LIVE);
      } finally {
        assertTimeoutPreemptively(Duration.ofSeconds(5), publisher::close);
      }
      awaitNoPublisherThreads();
    }
  }

  @Test
  void garbageInsteadOfTheHandshakeIsAClearReason() throws Exception {
    try (var garbage = new StuckRtmpServer(StuckRtmpServer.Mode.GARBAGE)) {
      String reason = failureOf("rtmp://127.0.0.1:" + garbage.port() + "/live/x");
      assertThat(reason).isEqualTo("gave up after 1 retries: protocol error during the RTMP handshake: "
          + "rtmp: handshake S0 version 0x48 not supported (want 3)");
    }
    awaitNoPublisherThreads();
  }

  @Test
  void aServerClosingDuringTheHandshakeIsAClearReason() throws Exception {
    try (var closing = new StuckRtmpServer(StuckRtmpServer.Mode.CLOSE_IN_HANDSHAKE)) {
      String reason = failureOf("rtmp://127.0.0.1:" + closing.port() + "/live/x");
      assertThat(reason).isEqualTo("gave up after 1 retries: connection closed by the server during the RTMP handshake");
    }
    awaitNoPublisherThreads();
  }

  /** Publishes with one quick retry until Failed, feeding packets and closing twice: nothing may throw. */
  private static String failureOf(String url) {
    var options = RtmpPublisherOptions.defaults()
        .withReconnect(ReconnectPolicy.DEFAULT.withInitialDelay(Duration.ofMillis(200)).withMaxAttempts(1));
    var publisher = new RtmpPublisher(RtmpUrl.parse(url), options);
    var media = TestMedia.FIVE_SECONDS;
    publisher.onFormat(media.format);
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      for (EncodedPacket p : media.packets.subList(0, 20)) publisher.onPacket(p);
      return publisher.state() instanceof DestinationState.Failed;
    });
    String reason = ((DestinationState.Failed) publisher.state()).reason();
    System.out.println(url + ": " + reason);
    for (EncodedPacket p : media.packets) publisher.onPacket(p);
    publisher.close();
    publisher.close();
    publisher.onPacket(media.packets.getFirst());
    return reason;
  }

  static void awaitNoPublisherThreads() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("tally-rtmp-out") && t.isAlive()));
  }
}
