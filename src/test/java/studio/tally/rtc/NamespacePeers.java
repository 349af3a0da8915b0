package studio.tally.rtc;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;

/**
 * Starts our server ({@code studio.tally.cli.Main serve}) and {@link RtcPeerMain} as child JVMs inside a
 * {@link NetNamespace}, with this JVM's java binary (Temurin 25) and class path. The server listens on
 * 198.18.N.1:8080 (HTTP, RTMP and ICE-TCP) and 198.18.N.1:8000/udp; the namespace is ours alone, so fixed
 * ports cannot clash.
 */
final class NamespacePeers {
  static final int HTTP_PORT = 8080;
  static final int UDP_PORT = 8000;

  private NamespacePeers() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Our server in the namespace; protocol is udp, tcp or all (which candidates it advertises). */
  static PeerProcess server(NetNamespace ns, String protocol, String... options) {
    String host = ns.address(1);
    Path dir = PeerFiles.newDir("rtcjava-server");
    List<String> c = new ArrayList<>(List.of(java(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "serve",
        "--listen", host + ":" + HTTP_PORT, "--rtc-udp", host + ":" + UDP_PORT, "--candidate", host,
        "--rtc-protocol", protocol, "--config-dir", dir.toString()));
    c.addAll(List.of(options));
    return ns.start("tally-serve-" + protocol, c);
  }

  /** Waits until the server logged that its listeners are up (this JVM cannot reach into the namespace to ask). */
  static void awaitServerReady(PeerProcess server) {
    await("server listening, per its log").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("server exited\n" + server.name(), () -> !server.isAlive())
        .until(() -> stdout(server).contains("webrtc ice-lite on"));
  }

  static String serverUrl(NetNamespace ns) {
    return "http://" + ns.address(1) + ":" + HTTP_PORT;
  }

  /** RtcPeerMain in the namespace with mode and --options. */
  static PeerProcess peer(NetNamespace ns, String name, String mode, String... options) {
    List<String> c = new ArrayList<>(List.of(java(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), RtcPeerMain.class.getName(), mode));
    c.addAll(List.of(options));
    return ns.start(name, c);
  }

  /** Waits for the peer to exit 0 and returns its SUMMARY fields; fails with its output otherwise. */
  static Map<String, String> summary(PeerProcess peer, Duration timeout) {
    int code = peer.waitFor(timeout);
    String out = stdout(peer);
    if (code != 0) throw new AssertionError(peer.name() + " exited " + code + "\nstdout:\n" + out.indent(2) + peer.describe());
    String line = out.lines().filter(l -> l.startsWith("SUMMARY ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(peer.name() + " printed no SUMMARY\nstdout:\n" + out.indent(2) + peer.describe()));
    Map<String, String> m = new HashMap<>();
    for (String kv : line.substring(8).split(" ")) {
      int eq = kv.indexOf('=');
      if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }

  static String stdout(PeerProcess peer) {
    try {
      return Files.readString(peer.stdoutFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
