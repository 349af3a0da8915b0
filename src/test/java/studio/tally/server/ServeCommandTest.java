package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally serve} as a real process (java -cp with this test's classpath and the app's own
 * logging): startup log lines, a clean SIGTERM stop with exit 0 while a player is connected, and
 * one-line errors for bad flags.
 */
@ExtendWith(PeerReaper.class)
class ServeCommandTest {

  @Test
  void startsLogsEachListenerAndStopsCleanlyOnSigterm() throws Exception {
    int port1 = FreePort.tcp();
    int port2 = FreePort.tcp();
    Path dir = Files.createTempDirectory("tally-serve");
    PeerProcess serve = tally("serve", "--rtc-udp", "127.0.0.1:0", "--listen", "127.0.0.1:" + port1, "--listen", "127.0.0.1:" + port2,
        "--config-dir", dir.toString());
    await("startup log").atMost(Duration.ofSeconds(30)).until(() -> serve.stderrTail().contains("SHA-256")
        || !serve.isAlive());
    assertThat(serve.isAlive()).as(serve.describe()).isTrue();
    String fingerprint = ServerCertificate.loadOrCreate(dir).sha256Fingerprint();
    List<String> lines = serve.stderrLines();
    for (int port : new int[] {port1, port2}) {
      assertThat(lines).as(serve.describe()).filteredOn(l -> l.contains("listening on 127.0.0.1:" + port + ": "))
          .singleElement().asString().contains("rtmp", "rtmps", "http", "https");
    }
    assertThat(lines).filteredOn(l -> l.contains("SHA-256")).singleElement().asString().contains(fingerprint);
    assertThat(lines).filteredOn(l -> l.contains("webrtc ice-lite on udp 127.0.0.1:")).singleElement().asString()
        .endsWith("and tcp on every listener");

    try (FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource("rtmp://127.0.0.1:" + port1 + "/live/x",
        Duration.ofSeconds(60), 320, 240, 30, 30)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> RawHttp.get(port2, false, "/api/v1/streams").body().contains("\"video\":{"));
      try (FlvPull player = FlvPull.open(port2, true, "/live/x.flv")) {
        await().atMost(Duration.ofSeconds(15)).until(() -> player.keyframes.get() >= 1);
        long t0 = System.nanoTime();
        PublisherTakeoverTest.signal("TERM", serve.pid());
        int code = serve.waitFor(Duration.ofSeconds(5));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("tally serve exited with %d %.2f s after SIGTERM%n", code, seconds);
        assertThat(code).as(serve.describe()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(player::sawEof);
        assertThat(player.error()).as("a clean end at a tag boundary: " + player).isNull();
        assertThat(serve.stderrTail()).contains("server stopped").doesNotContain("Exception");
        assertThat(publisher.waitFor(Duration.ofSeconds(15))).as("the publisher's connection ended too").isNotNull();
      }
    }
  }

  /** The launcher's first start of a build: start (every listener bound), stop, exit 0. */
  @Test
  void exitAfterStartStartsThenStopsCleanly() throws Exception {
    int port = FreePort.tcp();
    Path dir = Files.createTempDirectory("tally-serve");
    PeerProcess serve = tally("serve", "--rtc-udp", "127.0.0.1:0", "--listen", "127.0.0.1:" + port,
        "--config-dir", dir.toString(), "--exit-after-start");
    assertThat(serve.waitFor(Duration.ofSeconds(60))).as(serve.describe()).isZero();
    List<String> lines = serve.stderrLines();
    assertThat(lines).as(serve.describe()).anyMatch(l -> l.contains("listening on 127.0.0.1:" + port + ": "))
        .anyMatch(l -> l.contains("server stopped")).noneMatch(l -> l.contains("Exception"));
    assertThat(lines.getFirst()).as("the app's own line format").matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  TallyServer - .*");
    assertThat(dir.resolve(ServerCertificate.CERT_FILE)).exists();
  }

  @Test
  void nonsenseListenIsOneLineAndNonZero() {
    PeerProcess p = tally("serve", "--listen", "nonsense");
    assertThat(p.waitFor(Duration.ofSeconds(30))).isNotZero();
    assertThat(p.stderrLines()).as(p.describe()).singleElement().asString()
        .startsWith("tally serve: ").contains("nonsense").contains("HOST:PORT");
  }

  @Test
  void aBadBridgeDropBFramesStreamIsOneLine() throws Exception {
    Path dir = Files.createTempDirectory("tally-serve");
    PeerProcess p = tally("serve", "--rtc-udp", "127.0.0.1:0", "--listen", "127.0.0.1:" + FreePort.tcp(),
        "--config-dir", dir.toString(), "--bridge-drop-b-frames", "nostream");
    assertThat(p.waitFor(Duration.ofSeconds(30))).isNotZero();
    assertOneCleanError(p, "APP/STREAM");
  }

  @Test
  void missingTlsFilesAreNamed() throws Exception {
    Path dir = Files.createTempDirectory("tally-serve");
    PeerProcess p = tally("serve", "--rtc-udp", "127.0.0.1:0", "--listen", "127.0.0.1:" + FreePort.tcp(), "--config-dir", dir.toString(),
        "--tls-cert", dir.resolve("missing.pem").toString(), "--tls-key", dir.resolve("missing-key.pem").toString());
    assertThat(p.waitFor(Duration.ofSeconds(30))).isNotZero();
    assertOneCleanError(p, "missing.pem");
  }

  @Test
  void aTurnServerWithoutCredentialsOrSecretIsOneLine() throws Exception {
    Path dir = Files.createTempDirectory("tally-serve");
    PeerProcess p = tally("serve", "--rtc-udp", "127.0.0.1:0", "--listen", "127.0.0.1:" + FreePort.tcp(),
        "--config-dir", dir.toString(), "--ice-server", "stun:198.18.0.1:3478", "--ice-server", "turn:198.18.0.1:3478");
    assertThat(p.waitFor(Duration.ofSeconds(30))).isNotZero();
    assertOneCleanError(p, "--ice-server: TURN server 'turn:198.18.0.1:3478' needs USER:PASS@ or a TURN secret");
  }

  @Test
  void unknownConfigKeyIsNamed() throws Exception {
    Path dir = Files.createTempDirectory("tally-serve");
    Path config = dir.resolve("tally.json");
    Files.writeString(config, "{\"listen\": [\"127.0.0.1:" + FreePort.tcp() + "\"], \"listne\": 1}");
    PeerProcess p = tally("serve", "--rtc-udp", "127.0.0.1:0", "--config", config.toString(), "--config-dir", dir.toString());
    assertThat(p.waitFor(Duration.ofSeconds(30))).isNotZero();
    assertOneCleanError(p, "listne");
  }

  @Test
  void portInUseIsNamed() throws Exception {
    Path dir = Files.createTempDirectory("tally-serve");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String spec = "127.0.0.1:" + taken.getLocalPort();
      PeerProcess p = tally("serve", "--rtc-udp", "127.0.0.1:0", "--listen", spec, "--config-dir", dir.toString());
      assertThat(p.waitFor(Duration.ofSeconds(30))).isNotZero();
      assertOneCleanError(p, spec);
    }
  }

  private static void assertOneCleanError(PeerProcess p, String mentions) {
    List<String> errors = p.stderrLines().stream().filter(l -> l.startsWith("tally serve: ")).toList();
    assertThat(errors).as(p.describe()).singleElement().asString().contains(mentions);
    assertThat(p.stderrLines()).as("no stack trace\n" + p.describe())
        .noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception in thread") || l.startsWith("Caused by"));
    System.out.println(p.command().subList(p.command().size() - 4, p.command().size()) + " -> " + errors.getFirst());
  }

  /** {@code tally ARGS} as a process: this JVM's java, this test's classpath, the app's own logging. */
  static PeerProcess tally(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dtally.log=app"); // the app's own logging, not the tests' logback-test.xml
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("studio.tally.cli.Main");
    cmd.addAll(List.of(args));
    return PeerProcess.start("tally-" + args[0], cmd);
  }
}
