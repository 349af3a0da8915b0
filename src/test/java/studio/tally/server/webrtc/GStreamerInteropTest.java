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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerMissing;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * GStreamer's webrtcbin (Debian 12: GStreamer 1.22, gstreamer1.0-plugins-bad + gstreamer1.0-nice,
 * driven from Python, {@code src/test/python/gst_webrtc_peer.py}) as WHIP publisher and WHEP player
 * against our server, all in a network namespace.
 */
@Timeout(180)
@ExtendWith(PeerReaper.class)
class GStreamerInteropTest {
  private static final int HTTP_PORT = 8080;
  private static final int UDP_PORT = 8000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Debian's python3: the GStreamer bindings (python3-gi, python3-gst-1.0) live in its dist-packages. */
  private static Path script() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path s = p.resolve("src/test/python/gst_webrtc_peer.py");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException("src/test/python/gst_webrtc_peer.py not found");
  }

  private static void requireGStreamer() {
    if (!Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/gi"))) {
      throw new PeerMissing("GStreamer Python bindings", "python3-gst-1.0", "no gi module");
    }
    for (String plugin : List.of("libgstwebrtc.so", "libgstnice.so", "libgstx264.so", "libgstrtp.so")) {
      if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/gstreamer-1.0", plugin))) {
        throw new PeerMissing("GStreamer plugin " + plugin,
            "gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-plugins-ugly gstreamer1.0-plugins-good",
            plugin + " missing");
      }
    }
  }

  private static PeerProcess server(NetNamespace ns) {
    String host = ns.address(1);
    PeerProcess p = ns.start("tally-serve-gst", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "studio.tally.cli.Main", "serve", "--listen", host + ":" + HTTP_PORT, "--rtc-udp", host + ":" + UDP_PORT,
        "--candidate", host, "--rtc-protocol", "udp", "--config-dir", PeerFiles.newDir("gst-server").toString()));
    await("server listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("server exited", () -> !p.isAlive()).until(() -> stdout(p).contains("webrtc ice-lite on"));
    return p;
  }

  private static String stdout(PeerProcess p) {
    try {
      return Files.readString(p.stdoutFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode summary(PeerProcess peer, Duration timeout) throws IOException {
    int code = peer.waitFor(timeout);
    String out = stdout(peer);
    String line = out.lines().filter(l -> l.startsWith("SUMMARY ")).reduce((a, b) -> b).orElseThrow(
        () -> new AssertionError(peer.name() + " exited " + code + " with no SUMMARY\n" + out + peer.describe()));
    JsonNode j = JSON.readTree(line.substring(8));
    if (code != 0) {
      throw new AssertionError(peer.name() + " exited " + code + ": " + j + "\n" + out + peer.describe());
    }
    return j;
  }

  @Test
  void webrtcbinPublishesOverWhipAndPlaysOverWhep() throws Exception {
    requireGStreamer();
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = server(ns)) {
      String base = "http://" + ns.address(1) + ":" + HTTP_PORT + "/rtc/v1/";
      PeerProcess publisher = ns.start("gst-whip", List.of("/usr/bin/python3", script().toString(), "publish",
          base + "whip/?app=live&stream=gst", "14"));
      await().atMost(Duration.ofSeconds(30)).failFast("publisher exited\n" + publisher.describe(), () -> !publisher.isAlive())
          .until(() -> stdout(publisher).contains("EVENT connected"));
      PeerProcess player = ns.start("gst-whep", List.of("/usr/bin/python3", script().toString(), "play",
          base + "whep/?app=live&stream=gst", "6"));
      JsonNode played = summary(player, Duration.ofSeconds(60));
      JsonNode published = summary(publisher, Duration.ofSeconds(60));
      String context = played + "\n" + published + "\n" + stdout(player) + stdout(publisher) + server.describe();
      assertThat(published.get("connected").asBoolean()).as(context).isTrue();
      assertThat(played.get("connected").asBoolean()).as(context).isTrue();
      assertThat(played.get("frames").asLong()).as("H.264 access units depayloaded: %s", context).isGreaterThan(60);
      assertThat(played.get("keyframes").asLong()).as(context).isPositive();
      assertThat(played.get("states").toString()).as(context).doesNotContain("failed");
    }
  }
}
