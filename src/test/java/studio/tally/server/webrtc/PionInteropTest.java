package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.PionPeer;

/**
 * pion/webrtc v3 (the stack of MediaMTX, LiveKit, Galène) as WHIP publisher and WHEP player against
 * our server, both in a network namespace: the server runs there as {@code tally serve}, the peers as
 * the Go program {@code src/test/go/pionpeer}.
 */
@Timeout(180)
@ExtendWith(PeerReaper.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PionInteropTest {
  private static final int HTTP_PORT = 8080;
  private static final int UDP_PORT = 8000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LONG_SECONDS = 90;

  /** The 90 s session: its own namespace and server, started before the other tests, which run beside it. */
  private static NetNamespace longNs;
  private static PeerProcess longServer;
  private static PeerProcess longPlayer;
  private static PeerProcess longPublisher;

  @BeforeAll
  static void startTheNinetySecondSession() {
    Path h264 = PionPeer.testH264(Duration.ofSeconds(4));
    PionPeer.binary();
    longNs = NetNamespace.create();
    longServer = server(longNs); // the default consent timeout (30 s)
    longPlayer = pion(longNs, "pion-play-90s", "play", "-url", url(longNs, "whep", "long"), "-seconds",
        Integer.toString(LONG_SECONDS), "-keepalive=false");
    await().atMost(Duration.ofSeconds(30)).failFast("player exited", () -> !longPlayer.isAlive())
        .until(() -> stdout(longPlayer).contains("EVENT connected"));
    longPublisher = pion(longNs, "pion-publish-90s", "publish", "-url", url(longNs, "whip", "long"), "-h264",
        h264.toString(), "-seconds", Integer.toString(LONG_SECONDS + 10));
  }

  @AfterAll
  static void stopTheNinetySecondSession() {
    for (AutoCloseable c : new AutoCloseable[] {longPublisher, longPlayer, longServer, longNs}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
  }

  private static PeerProcess server(NetNamespace ns, String... options) {
    String host = ns.address(1);
    Path dir = PeerFiles.newDir("pion-server");
    List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "studio.tally.cli.Main", "serve", "--listen", host + ":" + HTTP_PORT, "--rtc-udp", host + ":" + UDP_PORT,
        "--candidate", host, "--rtc-protocol", "udp", "--config-dir", dir.toString()));
    c.addAll(List.of(options));
    PeerProcess p = ns.start("tally-serve-pion", c);
    await("server listening, per its log").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("server exited", () -> !p.isAlive())
        .until(() -> stdout(p).contains("webrtc ice-lite on"));
    return p;
  }

  private static String url(NetNamespace ns, String kind, String stream) {
    return "http://" + ns.address(1) + ":" + HTTP_PORT + "/rtc/v1/" + kind + "/?app=live&stream=" + stream;
  }

  private static PeerProcess pion(NetNamespace ns, String name, String mode, String... args) {
    return ns.start(name, PionPeer.command(mode, args));
  }

  /** Waits for the peer to exit 0 and returns its SUMMARY json; fails with its output otherwise. */
  private static JsonNode summary(PeerProcess peer, Duration timeout) throws IOException {
    int code = peer.waitFor(timeout);
    String out = stdout(peer);
    String line = out.lines().filter(l -> l.startsWith("SUMMARY ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(peer.name() + " exited " + code + " with no SUMMARY\n" + out.indent(2)
            + peer.describe()));
    JsonNode j = JSON.readTree(line.substring(8));
    if (code != 0) {
      throw new AssertionError(peer.name() + " exited " + code + ": " + j + "\n" + out.indent(2) + peer.describe());
    }
    return j;
  }

  private static String stdout(PeerProcess p) {
    try {
      return Files.readString(p.stdoutFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * pion stops checking once media flows; with keepalives off it sends no STUN at all after
   * connecting. Its RTCP (receiver reports) is what keeps it alive: 15 s is five 3 s consent
   * timeouts. The player also starts before the publisher (play before publish).
   */
  @Test
  void aPlayerThatSendsNoStunAfterConnectingStaysWhileItsRtcpFlows() throws Exception {
    Path h264 = PionPeer.testH264(Duration.ofSeconds(4));
    PionPeer.binary();
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = server(ns, "--rtc-consent-timeout-ms", "3000")) {
      PeerProcess player = pion(ns, "pion-play-nostun", "play", "-url", url(ns, "whep", "nostun"), "-seconds", "15",
          "-keepalive=false");
      await().atMost(Duration.ofSeconds(20)).until(() -> stdout(player).contains("EVENT connected"));
      PeerProcess publisher = pion(ns, "pion-publish", "publish", "-url", url(ns, "whip", "nostun"), "-h264",
          h264.toString(), "-seconds", "18");
      JsonNode played = summary(player, Duration.ofSeconds(40));
      JsonNode published = summary(publisher, Duration.ofSeconds(40));
      String context = played + "\n" + published + "\n" + stdout(player) + server.describe();
      assertThat(played.get("stun_after_connect").asLong()).as("pion sent no STUN after connecting: %s", context).isZero();
      assertThat(played.get("failed").asText()).as(context).isEmpty();
      assertThat(played.get("state").asText()).as(context).isEqualTo("connected");
      assertThat(played.get("video_packets").asLong()).as(context).isGreaterThan(300);
      assertThat(played.get("first_video_nal").asInt()).as("starts at a keyframe (SPS): %s", context).isEqualTo(7);
      assertThat(played.get("ms_since_last_video").asLong()).as("video still flowing at the end: %s", context)
          .isBetween(0L, 2000L);
      assertThat(published.get("failed").asText()).as(context).isEmpty();
      assertThat(stdout(server)).doesNotContain("consent expired");
    }
  }

  /**
   * A publisher offering only H.264 packetization-mode 0 (single NAL units), played by a pion
   * player that offers only mode 0, without NACK, with an RSA-4096 certificate.
   */
  @Test
  void packetizationMode0PublisherToAMode0PlayerWithoutNackAndRsa4096() throws Exception {
    Path h264 = PionPeer.testH264(Duration.ofSeconds(4));
    PionPeer.binary();
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = server(ns)) {
      PeerProcess publisher = pion(ns, "pion-publish-mode0", "publish", "-url", url(ns, "whip", "mode0"), "-h264",
          h264.toString(), "-seconds", "10", "-mode0");
      await().atMost(Duration.ofSeconds(20)).until(() -> stdout(publisher).contains("EVENT connected"));
      PeerProcess player = pion(ns, "pion-play-mode0", "play", "-url", url(ns, "whep", "mode0"), "-seconds", "5",
          "-mode0", "-nack=false", "-rsa");
      JsonNode played = summary(player, Duration.ofSeconds(60));
      JsonNode published = summary(publisher, Duration.ofSeconds(30));
      String context = played + "\n" + published + "\n" + stdout(player) + server.describe();
      assertThat(published.get("oversize_single").asLong()).as("the test file fits single NAL units").isZero();
      assertThat(played.get("failed").asText()).as(context).isEmpty();
      assertThat(played.get("video_packets").asLong()).as(context).isGreaterThan(60);
      assertThat(played.get("first_video_nal").asInt()).as("starts at a keyframe (SPS): %s", context).isEqualTo(7);
      assertThat(published.get("plis").asLong()).as("the new player asked for a keyframe: %s", context).isPositive();
    }
  }

  /**
   * DTLS in both roles with pion: a publisher through SRS's JSON API that tells us a=setup:passive
   * (we are the DTLS client, pion the server), and a WHEP player with the usual actpass (we serve).
   */
  @Test
  void srsApiPublisherWithUsAsDtlsClientAndAWhepPlayerWithUsAsDtlsServer() throws Exception {
    Path h264 = PionPeer.testH264(Duration.ofSeconds(4));
    PionPeer.binary();
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = server(ns)) {
      String api = "http://" + ns.address(1) + ":" + HTTP_PORT + "/rtc/v1/publish/?stream=roles";
      PeerProcess publisher = pion(ns, "pion-publish-srs", "publish", "-url", api, "-srs", "-passive", "-h264",
          h264.toString(), "-seconds", "10");
      await().atMost(Duration.ofSeconds(20)).until(() -> stdout(publisher).contains("EVENT connected"));
      PeerProcess player = pion(ns, "pion-play-roles", "play", "-url", url(ns, "whep", "roles"), "-seconds", "4");
      JsonNode played = summary(player, Duration.ofSeconds(40));
      JsonNode published = summary(publisher, Duration.ofSeconds(30));
      String context = played + "\n" + published + "\n" + stdout(publisher) + stdout(player) + server.describe();
      assertThat(stdout(publisher)).as(context).contains("EVENT answer a=setup:active");
      assertThat(stdout(player)).as(context).contains("EVENT answer a=setup:passive");
      assertThat(played.get("failed").asText()).as(context).isEmpty();
      assertThat(played.get("video_packets").asLong()).as(context).isGreaterThan(60);
      assertThat(played.get("first_video_nal").asInt()).as(context).isEqualTo(7);
    }
  }

  /**
   * DTLS through loss on pion's own socket (both directions), in both roles: pion as DTLS client
   * (it offers actpass) and as server ({@code -passive}: we send the ClientHello). First every
   * flight lost once, then four ClientHellos in a row. Players of a stream nobody publishes: the
   * handshake needs no media.
   */
  @Test
  void dtlsSurvivesEachFlightLostOnceAndFourLostClientHellosInBothRoles() throws Exception {
    PionPeer.binary();
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = server(ns)) {
      List<PeerProcess> peers = List.of(
          pion(ns, "pion-dtls-flights-client", "play", "-url", url(ns, "whep", "dtls1"), "-seconds", "2",
              "-drop-flights-once"),
          pion(ns, "pion-dtls-flights-server", "play", "-url", url(ns, "whep", "dtls2"), "-seconds", "2",
              "-drop-flights-once", "-passive"),
          pion(ns, "pion-dtls-hellos-client", "play", "-url", url(ns, "whep", "dtls3"), "-seconds", "2",
              "-drop-client-hellos", "4"),
          pion(ns, "pion-dtls-hellos-server", "play", "-url", url(ns, "whep", "dtls4"), "-seconds", "2",
              "-drop-client-hellos", "4", "-passive"));
      for (PeerProcess p : peers) {
        JsonNode s = summary(p, Duration.ofSeconds(90));
        String context = p.name() + ": " + s + "\n" + stdout(p) + server.describe();
        System.out.println(p.name() + " " + s);
        assertThat(s.get("failed").asText()).as(context).isEmpty();
        assertThat(s.get("state").asText()).as(context).isEqualTo("connected");
        assertThat(s.get("dtls_dropped").asLong()).as(context).isGreaterThanOrEqualTo(p.name().contains("hellos") ? 4 : 3);
      }
    }
  }

  /**
   * A literal 90 s session with the server's default consent timeout (30 s): the pion player sends no
   * STUN at all after connecting (its RTCP keeps it alive) and still receives video at the 90 s mark.
   * Started in {@code @BeforeAll}, it runs while the other tests of this class do; this test, ordered
   * last, only waits for what is left of it.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  @Timeout(LONG_SECONDS + 120)
  void aPlayerThatSendsNoStunForNinetySecondsIsNotDroppedWithTheDefaultConsentTimeout() throws Exception {
    JsonNode played = summary(longPlayer, Duration.ofSeconds(LONG_SECONDS + 60));
    String context = played + "\n" + stdout(longPlayer) + longServer.describe();
    assertThat(played.get("connected_ms").asLong()).as("ran for 90 s after connecting: %s", context)
        .isGreaterThanOrEqualTo(LONG_SECONDS * 1000L);
    assertThat(played.get("stun_after_connect").asLong()).as("pion sent no STUN after connecting: %s", context).isZero();
    assertThat(played.get("failed").asText()).as(context).isEmpty();
    assertThat(played.get("state").asText()).as(context).isEqualTo("connected");
    assertThat(played.get("video_packets").asLong()).as("video for most of 90 s: %s", context).isGreaterThan(1500);
    assertThat(played.get("ms_since_last_video").asLong()).as("video still flowing at 90 s: %s", context)
        .isBetween(0L, 2000L);
    assertThat(stdout(longServer)).as(context).doesNotContain("consent expired");
  }
}
