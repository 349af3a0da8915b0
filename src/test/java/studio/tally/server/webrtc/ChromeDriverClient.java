package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Headless Chromium through chromedriver's W3C WebDriver REST API (JDK HttpClient + Jackson): one
 * chromedriver process, one browser per {@link Browser}. Only what the WHIP/WHEP tests need.
 */
final class ChromeDriverClient implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process driver;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Path> profiles = new ArrayList<>();

  ChromeDriverClient() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError("Chromium WebRTC tests need " + CHROMIUM + " and " + CHROMEDRIVER
          + ": apt-get install chromium chromium-driver");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    base = URI.create("http://127.0.0.1:" + port);
    try {
      Awaitility.await("chromedriver ready on " + base).atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100)).failFast("chromedriver exited", () -> !driver.isAlive())
          .until(() -> {
            try {
              return call("GET", "/status", null).path("value").path("ready").asBoolean();
            } catch (IOException e) {
              return false; // not listening yet
            }
          });
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError("chromedriver did not become ready on " + base + ": " + e.getMessage());
    }
  }

  /** A fresh headless browser with its own profile. */
  Browser open() throws Exception {
    Path profile = Files.createTempDirectory("tally-chromium-");
    profiles.add(profile);
    ObjectNode caps = JSON.createObjectNode();
    ObjectNode opts = caps.putObject("capabilities").putObject("alwaysMatch");
    opts.put("browserName", "chrome");
    ObjectNode chrome = opts.putObject("goog:chromeOptions");
    chrome.put("binary", CHROMIUM.toString());
    var args = chrome.putArray("args");
    for (String a : List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--allow-loopback-in-peer-connection",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile)) {
      args.add(a);
    }
    JsonNode r = call("POST", "/session", caps);
    String id = r.path("value").path("sessionId").asText("");
    if (id.isEmpty()) {
      throw new AssertionError("chromedriver refused a session: " + r);
    }
    return new Browser(id);
  }

  final class Browser implements AutoCloseable {
    private final String id;

    private Browser(String id) {
      this.id = id;
    }

    void navigate(String url) throws Exception {
      ObjectNode b = JSON.createObjectNode().put("url", url);
      call("POST", "/session/" + id + "/url", b);
    }

    /** Runs {@code script} (a function body) and returns its value. */
    JsonNode execute(String script) throws Exception {
      ObjectNode b = JSON.createObjectNode().put("script", script);
      b.putArray("args");
      return call("POST", "/session/" + id + "/execute/sync", b).path("value");
    }

    JsonNode state() throws Exception {
      return execute("return window.tallyState || null;");
    }

    /**
     * Polls the page's state until {@code done} holds and returns that state. An {@code error} (or
     * {@code measureError}) the page reports fails at once; a timeout fails with the last state seen.
     */
    JsonNode await(String what, Duration wait, Duration poll, Predicate<JsonNode> done) {
      AtomicReference<JsonNode> last = new AtomicReference<>();
      try {
        return Awaitility.await(what).atMost(wait).pollDelay(Duration.ZERO).pollInterval(poll).until(() -> {
          JsonNode s = state();
          last.set(s);
          if (s != null && (s.hasNonNull("error") || s.hasNonNull("measureError"))) {
            throw new AssertionError(what + ": page error " + s.path("error").asText() + s.path("measureError").asText());
          }
          return s;
        }, s -> s != null && done.test(s));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(what + " not reached in " + wait + "; last state " + last.get());
      }
    }

    /** {@link #await} with a 250 ms poll. */
    JsonNode await(String what, Duration wait, Predicate<JsonNode> done) {
      return await(what, wait, Duration.ofMillis(250), done);
    }

    /**
     * Polls the page's state (every 20 ms, up to 20 s) until {@code done} holds, then stops the page's
     * media ({@code window.tallyStop}) and returns that state.
     */
    JsonNode awaitState(Predicate<JsonNode> done, String what) throws Exception {
      JsonNode s = await(what, Duration.ofSeconds(20), Duration.ofMillis(20), done);
      execute("return window.tallyStop && window.tallyStop();");
      return s;
    }

    @Override
    public void close() throws Exception {
      call("DELETE", "/session/" + id, null);
    }
  }

  private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
  }

  @Override
  public void close() throws Exception {
    // the browsers first: a page whose session was never deleted (a test that failed before closing it)
    // outlives chromedriver as an orphan, playing its stream at ~20 % of a core for the rest of the run
    driver.descendants().forEach(ProcessHandle::destroyForcibly);
    driver.destroy();
    if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      driver.destroyForcibly();
    }
    for (Path p : profiles) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
