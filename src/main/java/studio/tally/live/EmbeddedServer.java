package studio.tally.live;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import studio.tally.config.ServerSettings;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/**
 * The studio's in-process server. Starting never throws: a port that is busy becomes a FAILED
 * status saying which port and which free one to use instead.
 */
final class EmbeddedServer implements AutoCloseable {
  private static final String VERSION = versionOf();

  private final TallyServer server;
  private final ServerStatus status;
  private final String rtmpHostPort;
  private final String httpHostPort;
  private final String tlsFingerprint;

  private EmbeddedServer(TallyServer server, ServerStatus status) {
    this.server = server;
    this.status = status;
    List<InetSocketAddress> bound = server == null ? List.of() : server.boundAddresses();
    this.rtmpHostPort = bound.isEmpty() ? null : reachable(bound.getFirst());
    this.httpHostPort = bound.isEmpty() ? null : reachable(bound.get(Math.min(1, bound.size() - 1)));
    this.tlsFingerprint = server == null ? null : server.certificate().sha256Fingerprint();
  }

  static EmbeddedServer off() {
    return new EmbeddedServer(null, ServerStatus.OFF);
  }

  /** The placeholder while {@link #start} runs elsewhere: STARTING, or OFF when disabled. */
  static EmbeddedServer starting(ServerSettings settings) {
    if (!settings.enabled()) return off();
    return new EmbeddedServer(null, new ServerStatus(ServerStatus.State.STARTING, List.of(), null, List.of(), null));
  }

  /** Starts the server of settings (its TLS certificate kept in configDir; null = the platform's). */
  static EmbeddedServer start(ServerSettings settings, Path configDir) {
    if (!settings.enabled()) return off();
    ServerConfig config = ServerConfig.defaults().withListen(settings.listen());
    if (settings.rtcUdp() != null) config = config.withRtcUdp(settings.rtcUdp());
    if (configDir != null) config = config.withConfigDir(configDir.toString());
    try {
      if (!settings.iceServers().isEmpty()) {
        config = config.withIceServers(studio.tally.server.http.IceServerLinks.of(settings.iceServers(), settings.turnSecret()));
      }
      // media's FFmpeg transcoder carries audio across the RTMP <-> WebRTC bridges (AAC <-> Opus)
      TallyServer s = TallyServer.start(config, VERSION, new studio.tally.media.transcode.FfmpegAudioTranscoders());
      List<String> bound = s.boundAddresses().stream().map(EmbeddedServer::hostPort).toList();
      String http = hostPort(s.boundAddresses().get(Math.min(1, s.boundAddresses().size() - 1)));
      return new EmbeddedServer(s, new ServerStatus(ServerStatus.State.RUNNING, bound, null, List.of(),
          "http://" + http + "/live/studio.flv"));
    } catch (IOException | RuntimeException e) {
      return new EmbeddedServer(null, busyPorts(settings, e.getMessage()));
    }
  }

  /** Which of the ports is busy, and the listen list with free ports instead. */
  static ServerStatus busyPorts(ServerSettings settings, String serverMessage) {
    List<String> busy = new ArrayList<>();
    List<String> suggested = new ArrayList<>();
    List<Integer> taken = new ArrayList<>();
    for (String spec : settings.listen()) {
      InetSocketAddress a = ServerConfig.parseHostPort(spec);
      if (a.getPort() != 0 && !tcpFree(a.getHostString(), a.getPort())) {
        busy.add("port " + a.getPort() + " is in use");
        int free = nextFreeTcp(a.getHostString(), a.getPort(), taken);
        taken.add(free);
        suggested.add(spec.substring(0, spec.lastIndexOf(':') + 1) + free);
      } else {
        suggested.add(spec);
      }
    }
    String udp = settings.rtcUdp() == null ? ServerConfig.DEFAULT_RTC_UDP : settings.rtcUdp();
    InetSocketAddress u = ServerConfig.parseHostPort(udp);
    if (u.getPort() != 0 && !udpFree(u.getHostString(), u.getPort())) busy.add("UDP port " + u.getPort() + " (WebRTC) is in use");
    String problem;
    if (busy.isEmpty()) {
      problem = "the embedded server could not start: " + serverMessage;
      suggested = List.of();
    } else {
      problem = String.join(", ", busy) + " (another server is running?)"
          + (suggested.equals(settings.listen()) ? "" : "; free instead: " + String.join(", ", suggested));
      if (suggested.equals(settings.listen())) suggested = List.of();
    }
    return new ServerStatus(ServerStatus.State.FAILED, List.of(), problem, suggested, null);
  }

  private static int nextFreeTcp(String host, int from, List<Integer> taken) {
    for (int p = from + 1; p < Math.min(65536, from + 200); p++) {
      if (!taken.contains(p) && tcpFree(host, p)) return p;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean tcpFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean udpFree(String host, int port) {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(host, port))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  ServerStatus status() {
    return status;
  }

  /** HOST:PORT to publish RTMP(S) to (the first listener; a wildcard address as loopback); null unless running. */
  String rtmpHostPort() {
    return rtmpHostPort;
  }

  /** HOST:PORT of the listener for HTTP, the API and WebRTC (the second when there are two); null unless running. */
  String apiHostPort() {
    return httpHostPort;
  }

  /** SHA-256 of the TLS certificate (RTMPS, HTTPS, WSS), colon-separated hex; null unless running. */
  String tlsFingerprint() {
    return tlsFingerprint;
  }

  /** A listener bound to every interface is reached, from this machine, on the loopback address. */
  private static String reachable(InetSocketAddress a) {
    if (a.getAddress().isAnyLocalAddress()) {
      return (a.getAddress() instanceof java.net.Inet6Address ? "[::1]" : "127.0.0.1") + ":" + a.getPort();
    }
    return hostPort(a);
  }

  private static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  private static String versionOf() {
    String v = Studio.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Stops the server (about a second at most). */
  @Override
  public void close() {
    if (server != null) server.close();
  }
}
