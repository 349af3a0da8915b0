package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A peer-to-peer call between two users who cannot reach each other: each {@code tally call} sits in a
 * network namespace of its own whose only link goes to a third one (which does not forward) holding
 * our signaling server and coturn, the TURN server users run. The media can only flow through TURN
 * relays, so both sides must end on a relay candidate and still decode each other's test pattern.
 */
@ExtendWith(PeerReaper.class)
class CallThroughTurnTest {
  private static final int TURN_PORT = Coturn.PORT;

  @Test
  void p2pCallBetweenIsolatedNamespacesGoesThroughCoturn() throws Exception {
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.start(net);
        PeerProcess server = signaling(net)) {
      await("server listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .failFast("server exited", () -> !server.isAlive())
          .until(() -> NamespacePeers.stdout(server).contains("webrtc ice-lite on"));

      // the premise: from the left namespace there is no route to the right one
      assertThat(exec(net.left().inside(List.of("ip", "route", "get", net.right().address(2)))))
          .as("left cannot reach right").contains("unreachable");

      try (PeerProcess alice = CallEndToEndTest.callFor(net.left(), net.left().address(1), "alice", "p2p", 10,
              "--ice-server", "turn:tally:relay-secret@" + net.left().address(1) + ":" + TURN_PORT);
          PeerProcess bob = CallEndToEndTest.callFor(net.right(), net.right().address(1), "bob", "p2p", 10,
              "--ice-server", "turn:tally:relay-secret@" + net.right().address(1) + ":" + TURN_PORT)) {
        JsonNode a = CallEndToEndTest.result(alice);
        JsonNode b = CallEndToEndTest.result(bob);
        System.out.println("TURN alice: " + a + "\nTURN bob: " + b);
        // coturn hands out relay addresses on either of its links: a peer whose peer's relay sits on its
        // own link reaches it from a host candidate, the other side is relayed; one side at least must be
        assertThat(List.of(a.get("candidate").asText(), b.get("candidate").asText()))
            .as("through a TURN relay: %s %s", a, b).contains("relay");
        for (JsonNode[] pair : new JsonNode[][] {{a, b}, {b, a}}) {
          JsonNode me = pair[0];
          String context = me + "\n" + turn.describe();
          assertThat(me.get("exit").asInt()).as(context).isZero();
          assertThat(me.get("result").asText()).isEqualTo("media both ways");
          assertThat(me.get("peer").asText()).isEqualTo(pair[1].get("name").asText());
          assertThat(me.get("candidate").asText()).as(context).isIn("relay", "host");
          assertThat(me.get("frames_received").asLong()).as(context).isGreaterThan(30);
          assertThat(me.get("timecodes_read").asLong()).as("the peer's time codes decoded: " + context).isPositive();
        }
      }
    }
  }

  private static String exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.waitFor();
    return new String(p.getInputStream().readAllBytes());
  }

  /** Our server in the middle namespace, on every address (signaling only: the call is peer-to-peer). */
  private static PeerProcess signaling(NetNamespace.Isolated net) {
    Path dir = PeerFiles.newDir("turn-signaling");
    List<String> c = new ArrayList<>(List.of(NamespacePeers.java(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "serve",
        "--listen", "0.0.0.0:" + NamespacePeers.HTTP_PORT, "--rtc-udp", net.left().address(1) + ":" + NamespacePeers.UDP_PORT,
        "--candidate", net.left().address(1), "--config-dir", dir.toString()));
    return net.middle().start("tally-serve-turn", c);
  }
}
