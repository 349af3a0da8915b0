package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static studio.tally.cli.PublishThroughTurnTest.playsThroughTheRelay;
import static studio.tally.cli.PublishThroughTurnTest.publish;
import static studio.tally.cli.PublishThroughTurnTest.server;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Coturn;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally serve --ice-server turn:HOST:PORT --turn-secret S}: the publisher is given no ICE server;
 * the relay comes only from the WHIP answer's {@code Link} header, with time-limited credentials that
 * coturn checks against the same secret ({@code use-auth-secret}). Same topology as
 * {@link PublishThroughTurnTest}: only the relay joins the publisher to the server's candidate. A server
 * with the wrong secret must end the publish with the refusal and say where the credentials came from.
 */
@ExtendWith(PeerReaper.class)
class PublishThroughServerTurnTest {
  private static final String SECRET = "coturn-shared-secret";

  @Test
  void theRelayFromTheServersLinkHeaderCarriesThePublish() throws Exception {
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.startWithSecret(net, SECRET);
        PeerProcess server = server(net, List.of("--ice-server", turnUri(net), "--turn-secret", SECRET));
        PeerProcess publish = publish(net, null, "linked", 40)) {
      playsThroughTheRelay(net, turn, publish, "linked");
      assertThat(publish.stderrLines()).anyMatch(l -> l.contains("answer accepted") && l.contains("relay " + turnUri(net)));
      assertThat(String.join("\n", server.stderrLines()) + String.join("\n", TallyCli.stdout(server))
          + String.join("\n", publish.stderrLines())).doesNotContain(SECRET);
    }
  }

  @Test
  void aWrongSecretEndsThePublishWithTheRefusal() throws Exception {
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.startWithSecret(net, SECRET);
        PeerProcess server = server(net, List.of("--ice-server", turnUri(net), "--turn-secret", "not-the-secret"));
        PeerProcess publish = publish(net, null, "refused", 60)) {
      int code = publish.waitFor(Duration.ofSeconds(120));
      List<String> errors = publish.stderrLines().stream().filter(l -> l.startsWith("tally publish: ")).toList();
      System.out.println("wrong TURN secret: " + errors);
      assertThat(code).as(TallyCli.describe(publish)).isEqualTo(3);
      assertThat(errors).as(TallyCli.describe(publish)).singleElement().asString()
          .contains(turnUri(net) + " refused the credentials (401)")
          .contains("credentials from the WHIP server's Link header");
      assertThat(publish.stderrLines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"))
          .noneMatch(l -> l.contains("retrying in"));
    }
  }

  private static String turnUri(NetNamespace.Isolated net) {
    return "turn:" + net.left().address(1) + ":" + Coturn.PORT;
  }
}
