package studio.tally.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * coturn ({@code /usr/bin/turnserver}, from apt) in the middle namespace of a {@link NetNamespace.Isolated},
 * listening on both of its links: long-term credentials {@link #USER}:{@link #PASSWORD} in realm
 * {@code tally.test}, FINGERPRINT on, no TLS/DTLS, relays from its link addresses. Missing coturn fails
 * the test ({@link PeerMissing}).
 */
public final class Coturn {
  public static final int PORT = 3478;
  public static final String USER = "tally";
  public static final String PASSWORD = "relay-secret";
  private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

  private Coturn() {}

  /** Starts coturn and waits until it says it listens. */
  public static PeerProcess start(NetNamespace.Isolated net) {
    if (!Files.isExecutable(TURNSERVER)) {
      throw new PeerMissing("coturn (turnserver)", "coturn", TURNSERVER + " not found");
    }
    Path dir = PeerFiles.newDir("coturn");
    PeerProcess turn = net.middle().start("coturn", List.of(TURNSERVER.toString(), "-n",
        "--listening-ip=" + net.left().address(1), "--listening-ip=" + net.right().address(1),
        "--listening-port=" + PORT, "--min-port=49160", "--max-port=49260",
        "--lt-cred-mech", "--user=" + USER + ":" + PASSWORD, "--realm=tally.test", "--fingerprint",
        "--no-tls", "--no-dtls", "--no-cli", "--log-file=stdout", "--simple-log",
        "--pidfile=" + dir.resolve("turnserver.pid"), "--userdb=" + dir.resolve("turndb")));
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
