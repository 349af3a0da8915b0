package studio.tally.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.PeerFiles;

/** Our own server in the test JVM on a given (or free) loopback port: RTMP, RTMPS and HTTP-FLV on that one port. */
final class InProcessServer implements AutoCloseable {
  final TallyServer server;
  final int port;

  private InProcessServer(TallyServer server) {
    this.server = server;
    this.port = server.boundAddresses().getFirst().getPort();
  }

  /** On a free port. */
  static InProcessServer start() {
    return start(0, PeerFiles.newDir("tally-server"), c -> c);
  }

  /** On port (0 = free), keeping its certificate in configDir (a restart on the same dir keeps the certificate). */
  static InProcessServer start(int port, Path configDir, UnaryOperator<ServerConfig> tweak) {
    ServerConfig cfg = tweak.apply(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:" + port))
        .withConfigDir(configDir.toString()));
    try {
      return new InProcessServer(TallyServer.start(cfg, "0.1.0-test"));
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

  String httpFlv(String path) {
    return "http://127.0.0.1:" + port + "/" + path + ".flv";
  }

  boolean isLive(String app, String name) {
    return server.hub().stream(new StreamKey(app, name)).map(s -> s.hasVideo() && s.publisher() != null).orElse(false);
  }

  /** Waits until app/name has a publisher and its video sequence header, or until stopWaiting says so. */
  void awaitLive(String app, String name, Duration timeout, java.util.concurrent.Callable<Boolean> stopWaiting) {
    await("stream " + app + "/" + name + " live with video on port " + port).atMost(timeout)
        .pollInterval(Duration.ofMillis(50)).until(() -> isLive(app, name) || stopWaiting.call());
  }

  String fingerprint() {
    return server.certificate().sha256Fingerprint();
  }

  @Override
  public void close() {
    server.close();
  }
}
