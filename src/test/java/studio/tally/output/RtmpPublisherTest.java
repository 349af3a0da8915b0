package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.PeerReaper;

/** Publishing to our own server over rtmp and rtmps; ffprobe reads what arrived. */
@ExtendWith(PeerReaper.class)
class RtmpPublisherTest {
  private Path dir;
  private TallyServer server;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("tally-out");
    server = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0")).withConfigDir(dir.toString()), "test");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  int port() {
    return server.boundAddresses().getFirst().getPort();
  }

  static void assertPlays(String url) {
    var probe = Ffprobe.bundled().probe(url);
    assertThat(probe.video()).hasValueSatisfying(v -> {
      assertThat(v.codecName()).isEqualTo("h264");
      assertThat(v.width()).isEqualTo(320);
      assertThat(v.height()).isEqualTo(240);
    });
    assertThat(probe.audio()).hasValueSatisfying(a -> {
      assertThat(a.codecName()).isEqualTo("aac");
      assertThat(a.sampleRate()).isEqualTo(44100);
    });
  }

  static void awaitLive(RtmpPublisher p) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(p.state()).isEqualTo(DestinationState.LIVE));
  }

  @Test
  void hevcGoesOutAsEnhancedRtmp() {
    try (var publisher = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + port() + "/live/hevc"), RtmpPublisherOptions.defaults());
         var replay = TestMedia.Replay.realTime(TestMedia.HEVC, publisher)) {
      awaitLive(publisher);
      var probe = Ffprobe.bundled().probe("rtmp://127.0.0.1:" + port() + "/live/hevc");
      assertThat(probe.video()).hasValueSatisfying(v -> {
        assertThat(v.codecName()).isEqualTo("hevc");
        assertThat(v.width()).isEqualTo(320);
      });
      assertThat(probe.audio()).hasValueSatisfying(a -> assertThat(a.codecName()).isEqualTo("aac"));
    }
  }

  @Test
  void aSharedEventLoopGroupOutlivesItsPublishers() {
    var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
    try {
      var options = RtmpPublisherOptions.defaults().withEventLoopGroup(group);
      for (String name : List.of("shared1", "shared2")) {
        try (var publisher = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + port() + "/live/" + name), options);
             var replay = TestMedia.Replay.realTime(publisher)) {
          awaitLive(publisher);
        }
      }
      assertThat(group.isShuttingDown()).isFalse();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void publishesOverRtmpToOurServer() {
    var url = RtmpUrl.parse("rtmp://127.0.0.1:" + port() + "/live/plain");
    try (var publisher = new RtmpPublisher(url, RtmpPublisherOptions.defaults());
         var replay = TestMedia.Replay.realTime(publisher)) {
      awaitLive(publisher);
      await().atMost(Duration.ofSeconds(10)).until(() -> !server.hub().streams().isEmpty());
      assertPlays("rtmp://127.0.0.1:" + port() + "/live/plain");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        var s = publisher.stats();
        assertThat(s.framesSent()).isGreaterThan(25);
        assertThat(s.bitrateKbps()).isGreaterThan(50);
        assertThat(s.fps()).isGreaterThan(10);
        assertThat(s.rttMillis()).isPresent();
      });
      System.out.println("stats after publish: " + publisher.stats());
    }
  }
}
