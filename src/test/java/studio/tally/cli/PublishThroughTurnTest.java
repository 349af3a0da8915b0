package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Coturn;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally publish --to <WHIP>} through coturn, the TURN server users run: the publisher sits in the
 * left namespace, which reaches only the middle one; our server sits in the middle with its HTTP port on
 * every address but its one WebRTC candidate on the middle's end of the right link, which the left
 * cannot route to. So the host pair fails and media can only flow through the relay (coturn in the
 * middle, long-term credentials). The stream must play at the server (HTTP-FLV, {@code tally probe}
 * ≥ 25 fps) and the publisher must say that ICE connected via the relay. Wrong credentials must end
 * the publish with the TURN server's refusal, not hang or retry forever.
 */
@ExtendWith(PeerReaper.class)
class PublishThroughTurnTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int HTTP_PORT = 8080;
  static final int UDP_PORT = 8000;

  @Test
  void whipPublishWithOnlyARelayPathPlaysAtTheServer() throws Exception {
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.start(net);
        PeerProcess server = server(net, List.of())) {
      try (PeerProcess publish = publish(net, turnUrl(net, Coturn.PASSWORD), "relayed", 40)) {
        playsThroughTheRelay(net, turn, publish, "relayed");
        assertThat(String.join("\n", publish.stderrLines()) + String.join("\n", TallyCli.stdout(publish)))
            .doesNotContain(Coturn.PASSWORD);
      }
    }
  }

  /**
   * Waits until {@code publish} is live through the relay, checks it says so, plays the stream at the
   * server over HTTP-FLV ({@code tally probe}, ≥ 25 fps) and waits for the publish to end with 0.
   */
  static void playsThroughTheRelay(NetNamespace.Isolated net, PeerProcess turn, PeerProcess publish, String stream)
      throws Exception {
    assertThat(exec(net.left().inside(List.of("ip", "route", "get", net.right().address(1)))))
        .as("the publisher cannot reach the server's WebRTC candidate").contains("unreachable");
    await("the WHIP publisher live").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .failFast("publish exited\n" + TallyCli.describe(publish), () -> !publish.isAlive())
        .until(() -> publish.stderrLines().stream().anyMatch(l -> l.contains(": live over ")));
    List<String> log = publish.stderrLines();
    String context = String.join("\n", log) + "\n" + turn.describe() + Coturn.stdout(turn).lines()
        .filter(l -> l.contains("ERROR") || l.contains("error")).limit(20).reduce("", (a, b) -> a + "\n" + b);
    assertThat(log).as(context).anyMatch(l -> l.matches(".*ICE connected via relay 198\\.18\\.\\d+\\.1:\\d+ to .*"));
    assertThat(log).as(context).anyMatch(l -> l.contains(": live over ") && l.contains(net.right().address(1) + ":" + UDP_PORT
        + " (TURN relay)"));
    // played at the server's side, over HTTP-FLV
    PeerProcess probe = net.middle().start("tally-probe", TallyCli.javaCommand("probe",
        "http://" + net.right().address(1) + ":" + HTTP_PORT + "/live/" + stream + ".flv",
        "--duration", "6", "--json", "--expect-fps", "25"));
    int code = probe.waitFor(Duration.ofSeconds(90));
    String out = String.join("\n", TallyCli.stdout(probe));
    System.out.println("probe through TURN (" + stream + "): " + out.strip());
    assertThat(code).as(TallyCli.describe(probe) + "\npublisher:\n" + context).isZero();
    JsonNode s = JSON.readTree(out).path("streams").path(0);
    assertThat(s.path("status").asText()).as(out).isEqualTo("pass");
    assertThat(s.path("fps").asDouble()).as(out).isGreaterThanOrEqualTo(25);
    assertThat(publish.waitFor(Duration.ofSeconds(90))).as(TallyCli.describe(publish)).isZero();
    // the destination's figures say which relay carries the media
    assertThat(TallyCli.stdout(publish)).as(TallyCli.describe(publish))
        .anyMatch(l -> l.contains(": live, ") && l.matches(".*, via TURN turns?:198\\.18\\.\\d+\\.1:\\d+.*"));
  }

  @Test
  void wrongTurnCredentialsEndThePublishWithTheRefusal() throws Exception {
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.start(net);
        PeerProcess server = server(net, List.of());
        PeerProcess publish = publish(net, turnUrl(net, "not-the-password"), "refused", 60)) {
      int code = publish.waitFor(Duration.ofSeconds(120));
      List<String> errors = publish.stderrLines().stream().filter(l -> l.startsWith("tally publish: ")).toList();
      System.out.println("wrong TURN credentials: " + errors);
      assertThat(code).as(TallyCli.describe(publish)).isEqualTo(3);
      assertThat(errors).as(TallyCli.describe(publish)).singleElement().asString()
          .contains("TURN turn:" + net.left().address(1) + ":" + Coturn.PORT + " refused the credentials (401)");
      assertThat(publish.stderrLines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"))
          .noneMatch(l -> l.contains("not-the-password")).noneMatch(l -> l.contains("retrying in"));
    }
  }

  /**
   * Our server in the middle: HTTP on every address, its WebRTC candidate on the right link only;
   * {@code extra}: more {@code tally serve} flags.
   */
  static PeerProcess server(NetNamespace.Isolated net, List<String> extra) {
    Path dir = PeerFiles.newDir("turn-whip-server");
    String candidate = net.right().address(1);
    List<String> c = new ArrayList<>(TallyCli.javaCommand("serve", "--listen", "0.0.0.0:" + HTTP_PORT,
        "--rtc-udp", candidate + ":" + UDP_PORT, "--candidate", candidate, "--rtc-protocol", "udp",
        "--config-dir", dir.toString()));
    c.addAll(extra);
    PeerProcess server = net.middle().start("tally-serve-whip-turn", c);
    await("server listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("server exited\n" + server.describe(), () -> !server.isAlive())
        .until(() -> (String.join("\n", server.stderrLines()) + String.join("\n", TallyCli.stdout(server)))
            .contains("webrtc ice-lite on"));
    return server;
  }

  /** coturn's URL as the publisher reaches it, with its user and {@code password}. */
  static String turnUrl(NetNamespace.Isolated net, String password) {
    return "turn:" + Coturn.USER + ":" + password + "@" + net.left().address(1) + ":" + Coturn.PORT;
  }

  /**
   * {@code tally publish} in the left namespace to the server's WHIP endpoint, with {@code --ice-server
   * iceServer} (null: none, the relay must come from the server's Link headers).
   */
  static PeerProcess publish(NetNamespace.Isolated net, String iceServer, String stream, int seconds) {
    return publish(net, iceServer, stream, seconds, List.of());
  }

  /** As {@link #publish(NetNamespace.Isolated, String, String, int)} with more {@code tally publish} flags. */
  static PeerProcess publish(NetNamespace.Isolated net, String iceServer, String stream, int seconds, List<String> extra) {
    String middle = net.left().address(1);
    List<String> c = new ArrayList<>(List.of("publish", "--source", "test",
        "--size", "320x240", "--fps", "30", "--bitrate", "500", "--encoder", "libx264", "--stats-interval", "2",
        "--connect-timeout", "90", "--duration", Integer.toString(seconds),
        "--to", "http://" + middle + ":" + HTTP_PORT + "/rtc/v1/whip/?app=live&stream=" + stream));
    if (iceServer != null) {
      c.addAll(List.of("--ice-server", iceServer));
    }
    c.addAll(extra);
    return net.left().start("tally-publish-turn", TallyCli.javaCommand(c.toArray(String[]::new)));
  }

  static String exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.waitFor();
    return new String(p.getInputStream().readAllBytes());
  }
}
