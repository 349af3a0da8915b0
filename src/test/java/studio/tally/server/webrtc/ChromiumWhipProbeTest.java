package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/**
 * Chromium publishes (canvas + oscillator, /players/whip.html) into our server on 127.0.0.1; a Chromium
 * WHEP player and {@code tally probe} (a child process: libwebrtc through webrtc-java) play the same
 * stream side by side, and the probe's fps must be within 10 % of Chromium's own getStats framesPerSecond.
 * Over UDP, and with {@code --ice-tcp-only} over ICE-TCP on the server's HTTP port.
 */
@Timeout(value = 300)
class ChromiumWhipProbeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private String base;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (server != null) server.close();
  }

  private ChromeDriverClient.Browser page(ChromeDriverClient chrome, String url) throws Exception {
    ChromeDriverClient.Browser b = chrome.open();
    closeables.add(b);
    b.navigate(base + url);
    return b;
  }

  private static JsonNode await(ChromeDriverClient.Browser b, String what, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode s = null;
    while (System.nanoTime() < deadline) {
      s = b.state();
      if (s != null && s.has("error") && !s.path("error").isNull()) throw new AssertionError(what + ": page error " + s.path("error"));
      if (s != null && done.test(s)) return s;
      Thread.sleep(250);
    }
    throw new AssertionError(what + " not reached in " + WAIT + "; last state " + s);
  }

  /** Chromium's framesPerSecond of its inbound video (webrtc-stats), as the page's peer connection reports it. */
  private static double chromiumFps(ChromeDriverClient.Browser player) throws Exception {
    return player.execute("return window.tallyPc.getStats().then(r => { let f = 0; r.forEach(s => {"
        + " if (s.type === 'inbound-rtp' && s.kind === 'video') f = s.framesPerSecond || 0; }); return f; });").asDouble();
  }

  private JsonNode probe(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "probe"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("tally-probe", ".json");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    closeables.add(p::destroyForcibly);
    assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("probe finished").isTrue();
    String json = Files.readString(out);
    assertThat(p.exitValue()).as(json).isZero();
    return JSON.readTree(json);
  }

  private void playSideBySide(String protocol, boolean tcpOnly) throws Exception {
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol(protocol).withConfigDir(Files.createTempDirectory("tally-chromium-probe").toString());
    server = TallyServer.start(c, "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().get(0).getPort();
    try (ChromeDriverClient chrome = new ChromeDriverClient()) {
      var pub = page(chrome, "/players/whip.html?app=live&stream=cp");
      await(pub, "Chromium publisher connected", s -> s.path("connectionState").asText().equals("connected"));
      var player = page(chrome, "/players/whep.html?app=live&stream=cp");
      await(player, "Chromium player decoding", s -> s.path("framesDecoded").asInt() > 30);
      String whep = base + "/rtc/v1/whep/?app=live&stream=cp";
      String webrtc = "webrtc://" + base.substring("http://".length()) + "/live/cp";
      List<String> args = new ArrayList<>(List.of(whep, webrtc, "--duration", "25", "--connect-timeout", "20", "--json"));
      if (tcpOnly) args.add("--ice-tcp-only");
      List<Double> chromium = new ArrayList<>();
      Thread sampler = Thread.ofPlatform().daemon().start(() -> {
        try {
          for (int i = 0; i < 60 && !Thread.currentThread().isInterrupted(); i++) {
            chromium.add(chromiumFps(player));
            Thread.sleep(500);
          }
        } catch (Exception e) {
          // sampling stops with the probe
        }
      });
      JsonNode root = probe(args.toArray(String[]::new));
      sampler.interrupt();
      sampler.join(5000);
      double chromiumFps = chromium.stream().skip(2).mapToDouble(Double::doubleValue).average().orElse(0);
      System.out.printf("chromium fps %.2f (samples %s); probe %s%n", chromiumFps, chromium, root.path("streams"));
      assertThat(chromiumFps).as("Chromium's framesPerSecond samples %s", chromium).isPositive();
      for (JsonNode s : root.get("streams")) {
        assertThat(s.get("status").asText()).as(s.toPrettyString()).isEqualTo("pass");
        assertThat(s.at("/webrtc/transport").asText()).as(s.toPrettyString()).isEqualTo(tcpOnly ? "tcp" : "udp");
        assertThat(s.get("fps").asDouble()).as("probe fps vs Chromium's %.2f: %s", chromiumFps, s.toPrettyString())
            .isBetween(chromiumFps * 0.9, chromiumFps * 1.1);
        assertThat(s.get("frames").asLong()).isGreaterThan(30);
        assertThat(s.get("audio_samples").asLong()).as("the oscillator's Opus").isGreaterThan(0);
      }
    }
  }

  @Test
  void probeFiguresMatchChromiumsOwnOverUdp() throws Exception {
    playSideBySide("udp", false);
  }

  @Test
  void probeFiguresMatchChromiumsOwnOverIceTcpOnly() throws Exception {
    playSideBySide("all", true);
  }
}
