package studio.tally.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The embedded server's SRS-compatible status API, read the way any other tool reads it
 * ({@code GET /api/v1/streams}, {@code /api/v1/clients}, {@code DELETE /api/v1/clients/<id>}): the
 * panel then shows what a script or an SRS console would see, and never reaches into the server's
 * threads. Every call is asynchronous ({@link HttpClient#sendAsync}): nothing here blocks.
 */
final class ServerApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .executor(r -> Thread.ofVirtual().name("tally-server-api").start(r)).build();

  /** The server's streams and clients; a read that fails gives a snapshot saying why, never a failed future. */
  CompletableFuture<ServerSnapshot> read(EmbeddedServer server) {
    ServerStatus st = server.status();
    if (st.state() != ServerStatus.State.RUNNING || server.apiHostPort() == null) {
      return CompletableFuture.completedFuture(ServerSnapshot.notRunning(st));
    }
    String base = "http://" + server.apiHostPort() + "/api/v1/";
    CompletableFuture<JsonNode> streams = get(base + "streams");
    CompletableFuture<JsonNode> clients = get(base + "clients");
    return streams.thenCombine(clients, (s, c) -> {
      List<ServerSnapshot.Client> cs = clients(c);
      return snapshot(server, null, streams(s, cs), cs);
    })
        .exceptionally(e -> snapshot(server, "cannot read the server's API: " + reason(e), List.of(), List.of()));
  }

  /** Kicks a client: completes when the server answered 200, fails with the server's message otherwise. */
  CompletableFuture<Void> kick(EmbeddedServer server, String clientId) {
    if (server.apiHostPort() == null) {
      return CompletableFuture.failedFuture(new StudioException("the embedded server is not running"));
    }
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + server.apiHostPort() + "/api/v1/clients/"
        + java.net.URLEncoder.encode(clientId, java.nio.charset.StandardCharsets.UTF_8))).timeout(TIMEOUT).DELETE().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() == 200) return null;
      throw new StudioException("the server did not kick client " + clientId + ": " + message(r));
    });
  }

  private static ServerSnapshot snapshot(EmbeddedServer server, String problem, List<ServerSnapshot.Stream> streams,
      List<ServerSnapshot.Client> clients) {
    return new ServerSnapshot(ServerStatus.State.RUNNING, problem, server.status().addresses(), server.rtmpHostPort(),
        server.apiHostPort(), server.tlsFingerprint(), streams, clients);
  }

  private CompletableFuture<JsonNode> get(String url) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200) throw new StudioException("HTTP " + r.statusCode() + " " + message(r));
      try {
        return JSON.readTree(r.body());
      } catch (IOException e) {
        throw new StudioException("not JSON: " + e.getMessage(), e);
      }
    });
  }

  static List<ServerSnapshot.Stream> streams(JsonNode root, List<ServerSnapshot.Client> clients) {
    List<ServerSnapshot.Stream> out = new ArrayList<>();
    for (JsonNode s : root.path("streams")) {
      String cid = s.path("publish").path("cid").asText("");
      JsonNode v = s.path("video");
      JsonNode a = s.path("audio");
      String video = v.isObject() ? (v.path("codec").asText("") + " " + v.path("width").asInt() + "x" + v.path("height").asInt()).strip() : "";
      String audio = a.isObject() ? (a.path("codec").asText("") + " " + a.path("sample_rate").asInt() + " Hz").strip() : "";
      out.add(new ServerSnapshot.Stream(s.path("id").asText(), s.path("app").asText(), s.path("name").asText(),
          s.path("publish").path("active").asBoolean() ? publisherType(clients, cid) : "", s.path("clients").asInt(),
          s.path("kbps").path("recv_30s").asLong(), s.path("kbps").path("send_30s").asLong(), video, audio));
    }
    return out;
  }

  /** The stream list names its publisher by client id only; the client list says how it came in. */
  private static String publisherType(List<ServerSnapshot.Client> clients, String cid) {
    return clients.stream().filter(c -> c.id().equals(cid)).map(ServerSnapshot.Client::type).findFirst().orElse("publisher");
  }

  static List<ServerSnapshot.Client> clients(JsonNode root) {
    List<ServerSnapshot.Client> out = new ArrayList<>();
    for (JsonNode c : root.path("clients")) {
      String url = c.path("url").asText("");
      out.add(new ServerSnapshot.Client(c.path("id").asText(), url.startsWith("/") ? url.substring(1) : url,
          c.path("ip").asText(""), c.path("type").asText(""), c.path("publish").asBoolean(), c.path("alive").asDouble(),
          c.path("kbps").path("recv_30s").asLong(), c.path("kbps").path("send_30s").asLong()));
    }
    return out;
  }

  private static String message(HttpResponse<String> r) {
    try {
      JsonNode n = JSON.readTree(r.body());
      if (n != null && n.hasNonNull("message")) return n.get("message").asText();
    } catch (IOException ignored) {
      // not JSON: the status says enough
    }
    return "HTTP " + r.statusCode();
  }

  private static String reason(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof ConnectException) return "connection refused";
    if (t instanceof HttpTimeoutException) return "no answer within " + TIMEOUT.toSeconds() + " s";
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public void close() {
    http.shutdownNow();
  }
}
