package studio.tally.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * coturn ({@code /usr/bin/turnserver}, from apt) in the middle namespace of a {@link NetNamespace.Isolated},
 * listening on both of its links: long-term credentials {@link #USER}:{@link #PASSWORD} (or a REST
 * secret) in realm {@code tally.test}, FINGERPRINT on, UDP and TCP (or TCP/TLS only), relays from its
 * link addresses. Missing coturn fails
 * the test ({@link PeerMissing}).
 */
public final class Coturn {
  public static final int PORT = 3478;
  public static final String USER = "tally";
  public static final String PASSWORD = "relay-secret";
  private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

  private Coturn() {}

  public static final int TLS_PORT = 5349;
  private static final List<String> LONG_TERM = List.of("--lt-cred-mech", "--user=" + USER + ":" + PASSWORD);
  private static final List<String> UDP_ONLY = List.of("--no-tls", "--no-dtls");

  /** Starts coturn (long-term credentials {@link #USER}:{@link #PASSWORD}) and waits until it says it listens. */
  public static PeerProcess start(NetNamespace.Isolated net) {
    return start(net, LONG_TERM, UDP_ONLY);
  }

  /**
   * coturn with no UDP listener at all: clients reach it only over TCP on {@link #PORT}, or, with a
   * certificate, only over TLS on {@link #TLS_PORT} (no plain TCP either). Relays are UDP as always.
   */
  public static PeerProcess startStreamOnly(NetNamespace.Isolated net, SelfSignedCert tls) {
    List<String> listeners = tls == null ? List.of("--no-udp", "--no-tls", "--no-dtls")
        : List.of("--no-udp", "--no-tcp", "--no-dtls", "--tls-listening-port=" + TLS_PORT,
            "--cert=" + tls.certificatePem(), "--pkey=" + tls.privateKeyPem());
    return start(net, LONG_TERM, listeners);
  }

  /**
   * Starts coturn checking TURN REST credentials ({@code use-auth-secret}): username {@code expiry:user},
   * password base64(HMAC-SHA1(secret, username)).
   */
  public static PeerProcess startWithSecret(NetNamespace.Isolated net, String secret) {
    return start(net, List.of("--use-auth-secret", "--static-auth-secret=" + secret), UDP_ONLY);
  }

  private static PeerProcess start(NetNamespace.Isolated net, List<String> auth, List<String> listeners) {
    if (!Files.isExecutable(TURNSERVER)) {
      throw new PeerMissing("coturn (turnserver)", "coturn", TURNSERVER + " not found");
    }
    Path dir = PeerFiles.newDir("coturn");
    List<String> command = new ArrayList<>(List.of(TURNSERVER.toString(), "-n",
        "--listening-ip=" + net.left().address(1), "--listening-ip=" + net.right().address(1),
        "--listening-port=" + PORT, "--min-port=49160", "--max-port=49260"));
    command.addAll(auth);
    command.addAll(listeners);
    command.addAll(List.of("--realm=tally.test", "--fingerprint", "--no-cli", "--log-file=stdout", "--simple-log",
        "--pidfile=" + dir.resolve("turnserver.pid"), "--userdb=" + dir.resolve("turndb")));
    PeerProcess turn = net.middle().start("coturn", command);
    await("coturn listening").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .failFast("coturn exited", () -> !turn.isAlive())
        .until(() -> stdout(turn).contains("Total General servers"));
    return turn;
  }

  /** What coturn logged so far. */
  public static String stdout(PeerProcess turn) {
    try {
      return Files.readString(turn.stdoutFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
