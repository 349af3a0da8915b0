package studio.tally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PionPeer;

/**
 * N pion/webrtc v3 WHEP players in one Go process ({@code pionpeer players}, src/test/go/pionpeer):
 * the third-party load generator the fan-out bench runs beside {@link RtcLoadGen}. Every pion player
 * is a full PeerConnection (decrypts every packet, sends receiver reports, transport-cc feedback and
 * NACKs through pion's default interceptors). Stopping it (SIGTERM) closes every PeerConnection and
 * DELETEs every WHEP session.
 */
final class PionPlayers implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One STATS line: cumulative packets and bytes per player. */
  record Snapshot(long millis, int connected, int failed, long[] packets, long[] bytes) {}

  private final PeerProcess process;
  final int n;
  /** From the "EVENT joined" line. */
  int joinErrors;
  String lastJoinError = "";

  private PionPlayers(PeerProcess process, int n) {
    this.process = process;
    this.n = n;
  }

  /** Starts N players of {@code url} (WHEP) and waits until every join ended (connected or failed). */
  static PionPlayers start(String url, int n, int inFlight, Duration joinTimeout) throws Exception {
    PeerProcess p = PeerProcess.start("pion-players-" + n, PionPeer.command("players", "-url", url, "-n",
        Integer.toString(n), "-in-flight", Integer.toString(inFlight), "-loopback", "-seconds", "0"));
    PionPlayers players = new PionPlayers(p, n);
    long deadline = System.nanoTime() + joinTimeout.toNanos();
    while (true) {
      String joined = players.lines().stream().filter(l -> l.startsWith("EVENT joined ")).findFirst().orElse(null);
      if (joined != null) {
        players.joinErrors = Integer.parseInt(joined.replaceAll(".* errors=(\\d+) .*", "$1"));
        players.lastJoinError = joined.replaceAll(".* last_error=", "");
        return players;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String out = String.join("\n", players.lines());
        players.close();
        throw new IllegalStateException("pion players did not join within " + joinTimeout + "\n" + out + p.describe());
      }
      Thread.sleep(200);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Asks for a STATS line now (SIGUSR1) and returns it. */
  Snapshot snapshot() throws Exception {
    long asked = System.currentTimeMillis();
    new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).start().waitFor();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<String> lines = lines();
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i);
        if (l.startsWith("STATS ")) {
          JsonNode j;
          try {
            j = JSON.readTree(l.substring(6));
          } catch (IOException partial) { // the line is still being written
            break;
          }
          if (j.get("t_ms").asLong() >= asked) {
            long[] packets = new long[n];
            long[] bytes = new long[n];
            for (int k = 0; k < n; k++) {
              packets[k] = j.get("packets").get(k).asLong();
              bytes[k] = j.get("bytes").get(k).asLong();
            }
            return new Snapshot(j.get("t_ms").asLong(), j.get("connected").asInt(), j.get("failed").asInt(), packets, bytes);
          }
          break;
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no STATS line from the pion players within 5 s\n" + process.describe());
  }

  private List<String> lines() throws IOException {
    return Files.readAllLines(process.stdoutFile());
  }

  @Override
  public void close() {
    process.stop();
  }
}
