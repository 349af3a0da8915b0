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
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.SelfSignedCert;

/**
 * TURN over TCP ({@code turn:...?transport=tcp}) and over TLS ({@code turns:}) to a coturn that has no
 * UDP listener at all (and, for TLS, no plain TCP one either): the publisher's only way to the TURN
 * server is the stream, its only way to our server the relay ({@link PublishThroughTurnTest}'s
 * topology). The stream must play at the server. A {@code turns:} server whose certificate is not
 * trusted must end the publish with the reason and the fingerprint to pin.
 */
@ExtendWith(PeerReaper.class)
class PublishThroughTurnTcpTest {

  /** coturn listens on TCP at {@code tcp} and not at {@code notTcp}, and on no UDP port of its own at all. */
  private static void assertListens(NetNamespace.Isolated net, List<String> tcp, List<String> notTcp) throws Exception {
    String tcpListeners = PublishThroughTurnTest.exec(net.middle().inside(List.of("ss", "-Hlnt")));
    String udpListeners = PublishThroughTurnTest.exec(net.middle().inside(List.of("ss", "-Hlnu")));
    tcp.forEach(p -> assertThat(tcpListeners).contains(p + " "));
    notTcp.forEach(p -> assertThat(tcpListeners).doesNotContain(p + " "));
    assertThat(udpListeners).as("coturn has no UDP listener").doesNotContain(":" + Coturn.PORT + " ")
        .doesNotContain(":" + Coturn.TLS_PORT + " ");
  }

  @Test
  void turnOverTcpCarriesThePublish() throws Exception {
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.startStreamOnly(net, null);
        PeerProcess server = server(net, List.of());
        PeerProcess publish = publish(net, "turn:" + Coturn.USER + ":" + Coturn.PASSWORD + "@" + net.left().address(1)
            + ":" + Coturn.PORT + "?transport=tcp", "overtcp", 40)) {
      assertListens(net, List.of(":" + Coturn.PORT), List.of());
      playsThroughTheRelay(net, turn, publish, "overtcp");
      assertThat(publish.stderrLines()).anyMatch(l -> l.contains("relay turn:" + net.left().address(1) + ":" + Coturn.PORT
          + "?transport=tcp"));
    }
  }

  @Test
  void turnOverTlsCarriesThePublishAndAnUntrustedCertificateIsSaid() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(PeerFiles.newDir("coturn-tls"));
    try (NetNamespace.Isolated net = NetNamespace.createIsolated();
        PeerProcess turn = Coturn.startStreamOnly(net, cert);
        PeerProcess server = server(net, List.of())) {
      assertListens(net, List.of(":" + Coturn.TLS_PORT), List.of(":" + Coturn.PORT));
      String turns = "turns:" + Coturn.USER + ":" + Coturn.PASSWORD + "@" + net.left().address(1) + ":" + Coturn.TLS_PORT;
      // not trusted (self-signed, and no host name to match): a setting to fix, said once, not retried
      try (PeerProcess refused = publish(net, turns, "untrusted", 60)) {
        int code = refused.waitFor(Duration.ofSeconds(120));
        List<String> errors = refused.stderrLines().stream().filter(l -> l.startsWith("tally publish: ")).toList();
        System.out.println("untrusted turns: certificate: " + errors);
        assertThat(code).as(TallyCli.describe(refused)).isEqualTo(3);
        assertThat(errors).as(TallyCli.describe(refused)).singleElement().asString()
            .contains("TURN turns:" + net.left().address(1) + ":" + Coturn.TLS_PORT + ": TLS handshake failed")
            .contains(java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(java.util.HexFormat.of()
                .parseHex(cert.sha256Fingerprint()))).contains("--tls-fingerprint");
        assertThat(refused.stderrLines()).noneMatch(l -> l.contains("retrying in")).noneMatch(l -> l.contains(Coturn.PASSWORD));
      }
      // pinned: the publish goes through the TLS relay
      List<String> pinned = List.of("--tls-fingerprint", cert.sha256Fingerprint());
      try (PeerProcess publish = publish(net, turns, "overtls", 40, pinned)) {
        playsThroughTheRelay(net, turn, publish, "overtls");
        assertThat(publish.stderrLines()).anyMatch(l -> l.contains("relay turns:" + net.left().address(1) + ":" + Coturn.TLS_PORT));
      }
    }
  }
}
