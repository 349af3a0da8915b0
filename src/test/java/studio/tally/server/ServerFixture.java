package studio.tally.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import studio.tally.server.hub.StreamKey;

/** One real {@link TallyServer} on a free loopback port, with URL builders and API helpers. */
final class ServerFixture implements AutoCloseable {
  final TallyServer server;
  final int port;
  final Path configDir;

  private ServerFixture(TallyServer server, Path configDir) {
    this.server = server;
    this.configDir = configDir;
    this.port = server.boundAddresses().getFirst().getPort();
  }

  static ServerFixture start() {
    return start(c -> c);
  }

  static ServerFixture start(UnaryOperator<ServerConfig> tweak) {
    try {
      Path dir = Files.createTempDirectory("tally-server-test");
      ServerConfig cfg = tweak.apply(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0"))
          .withConfigDir(dir.toString()));
      return new ServerFixture(TallyServer.start(cfg, "0.1.0-test"), dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String rtmp(String path) {
    return "rtmp://127.0.0.1:" + port + "/" + path;
  }

  String rtmps(String path) {
    return "rtmps://127.0.0.1:" + port + "/" + path;
  }

  String http(String path) {
    return "http://127.0.0.1:" + port + "/" + path;
  }

  String https(String path) {
    return "https://127.0.0.1:" + port + "/" + path;
  }

  /** GET an API path (plain HTTP) and return its JSON after checking the status. */
  JsonNode api(String path) {
    RawHttp.Response r = RawHttp.get(port, false, path);
    if (r.status() != 200) {
      throw new AssertionError("GET " + path + " -> " + r);
    }
    return r.json();
  }

  /** Waits until app/name is published and its video sequence header has arrived. */
  void awaitLive(String app, String name, Duration timeout) {
    StreamKey key = new StreamKey(app, name);
    await("stream " + key + " live with video").atMost(timeout).pollInterval(Duration.ofMillis(50))
        .until(() -> server.hub().stream(key).map(s -> s.hasVideo() && s.publisher() != null).orElse(false));
  }

  void awaitLive(String app, String name) {
    awaitLive(app, name, Duration.ofSeconds(20));
  }

  /** The clients of a type (SRS name: fmle-publish, rtmp-play, flv-play) on a stream name. */
  List<JsonNode> clients(String type, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : api("/api/v1/clients").get("clients")) {
      if (c.get("type").asText().equals(type) && c.get("name").asText().equals(name)) {
        out.add(c);
      }
    }
    return out;
  }


  @Override
  public void close() {
    server.close();
  }
}
