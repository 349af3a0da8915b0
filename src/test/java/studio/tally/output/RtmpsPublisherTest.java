package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.output.RtmpPublisherTest.assertPlays;
import static studio.tally.output.RtmpPublisherTest.awaitLive;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.testing.NginxRtmp;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.SelfSignedCert;

/** rtmps: trust decisions against our server's self-signed certificate, nginx as a TLS front, 1-byte records. */
@ExtendWith(PeerReaper.class)
class RtmpsPublisherTest {
  private TallyServer server;

  @BeforeEach
  void start() throws Exception {
    var dir = Files.createTempDirectory("tally-out");
    server = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0")).withConfigDir(dir.toString()), "test");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  int port() {
    return server.boundAddresses().getFirst().getPort();
  }

  private void publishAndPlay(String url, RtmpPublisherOptions options, String playUrl) {
    try (var publisher = new RtmpPublisher(RtmpUrl.parse(url), options);
         var replay = TestMedia.Replay.realTime(publisher)) {
      awaitLive(publisher);
      assertPlays(playUrl);
      System.out.println(url.replaceAll("/[^/]+$", "/…") + ": " + publisher.stats());
    }
  }

  @Test
  void pinnedFingerprintIsAcceptedInAnySpelling() {
    String fp = server.certificate().sha256Fingerprint().replace(":", "").toLowerCase();
    publishAndPlay("rtmps://127.0.0.1:" + port() + "/live/pinned", RtmpPublisherOptions.defaults().withTlsFingerprint(fp),
        "rtmp://127.0.0.1:" + port() + "/live/pinned");
  }

  @Test
  void insecureTlsAcceptsTheSelfSignedCertificate() {
    publishAndPlay("rtmps://127.0.0.1:" + port() + "/live/insecure", RtmpPublisherOptions.defaults().withInsecureTls(true),
        "rtmp://127.0.0.1:" + port() + "/live/insecure");
  }

  @Test
  void defaultTrustRefusesSelfSignedWithTheFingerprintToPin() {
    try (var publisher = new RtmpPublisher(RtmpUrl.parse("rtmps://127.0.0.1:" + port() + "/live/untrusted"), RtmpPublisherOptions.defaults());
         var replay = TestMedia.Replay.realTime(publisher)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.state() instanceof DestinationState.Failed);
      String reason = ((DestinationState.Failed) publisher.state()).reason();
      System.out.println("untrusted: " + reason);
      assertThat(reason).startsWith("certificate not trusted (SHA-256 " + server.certificate().sha256Fingerprint() + ")")
          .contains("--tls-fingerprint").contains("--insecure-tls");
      assertThat(server.hub().streams()).isEmpty();
    }
  }

  @Test
  void wrongPinIsRefused() {
    String wrong = "00".repeat(32);
    try (var publisher = new RtmpPublisher(RtmpUrl.parse("rtmps://127.0.0.1:" + port() + "/live/wrongpin"),
        RtmpPublisherOptions.defaults().withTlsFingerprint(wrong))) {
      publisher.onFormat(TestMedia.FIVE_SECONDS.format);
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.state() instanceof DestinationState.Failed);
      assertThat(((DestinationState.Failed) publisher.state()).reason())
          .isEqualTo("certificate does not match the pinned fingerprint (server SHA-256 " + server.certificate().sha256Fingerprint() + ")");
    }
  }

  @Test
  void oneBytePerTlsRecordFromTheServerStillPublishes() throws Exception {
    var cert = SelfSignedCert.create(PeerFiles.newDir("one-byte-tls"));
    try (var proxy = new OneByteTlsProxy(cert, port())) {
      publishAndPlay("rtmps://127.0.0.1:" + proxy.port() + "/live/onebyte",
          RtmpPublisherOptions.defaults().withTlsFingerprint(cert.sha256Fingerprint()),
          "rtmp://127.0.0.1:" + port() + "/live/onebyte");
      System.out.println("one-byte proxy wrote " + proxy.recordsWritten() + " one-byte TLS records");
      assertThat(proxy.recordsWritten()).isGreaterThan(3073); // at least S0 S1 S2, each byte its own record
    }
  }

  @Test
  void nginxRtmpOverRtmpAndThroughItsRtmpsFront() {
    try (var nginx = NginxRtmp.startWithRtmps()) {
      publishAndPlay(nginx.rtmpUrl("plain"), RtmpPublisherOptions.defaults(), nginx.rtmpUrl("plain"));
      publishAndPlay(nginx.rtmpsUrl("tls"), RtmpPublisherOptions.defaults().withTlsFingerprint(nginx.certificate().sha256Fingerprint()),
          nginx.rtmpUrl("tls"));
    }
  }

  @Test
  void rejectedStreamKeyFailsWithoutRetry() throws Exception {
    var dir = Files.createTempDirectory("tally-out");
    try (var guarded = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0"))
        .withConfigDir(dir.toString()).withPublishToken("s3cret"), "test")) {
      int p = guarded.boundAddresses().getFirst().getPort();
      try (var publisher = new RtmpPublisher(RtmpUrl.parse("rtmp://127.0.0.1:" + p + "/live/mystream?token=wrong"),
          RtmpPublisherOptions.defaults())) {
        publisher.onFormat(TestMedia.FIVE_SECONDS.format);
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.state() instanceof DestinationState.Failed);
        String reason = ((DestinationState.Failed) publisher.state()).reason();
        System.out.println("rejected: " + reason);
        assertThat(reason).startsWith("stream key rejected: NetStream.Publish.Unauthorized").contains("wrong publish token");
        assertThat(publisher.stats().reconnects()).isZero();
      }
    }
  }
}
