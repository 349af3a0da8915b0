package studio.tally.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import studio.tally.server.http.IceServerLinks;
import studio.tally.server.hub.WriteBatching;
import studio.tally.server.signaling.SignalingSettings;

/**
 * Everything {@code tally serve} can be told, from a JSON file ({@code --config}) and flags. Unknown
 * keys in the file are an error (a typo must not be ignored silently).
 *
 * @param listen TCP listeners; each serves RTMP, RTMPS, HTTP and HTTPS
 * @param tlsCert PEM certificate chain; with {@code tlsKey}; null = self-signed in {@code configDir}
 * @param publishToken when set, publishers must give it ({@code ?token=} or in the stream key)
 * @param sniffTimeoutMs a connection that says nothing recognisable for this long is closed
 * @param rtmpIdleTimeoutMs an RTMP connection neither publishing nor playing this long after it
 *     connected, or a publisher silent this long, is closed (default 20 s)
 * @param mergeWriteMs pins the batch players get media in (0 = each message at once, more CPU per
 *     player); unset = adaptive: at once for a few players, growing with the players on each event
 *     loop up to SRS's 350 ms
 * @param rtcUdp WebRTC ICE-lite UDP port {@code HOST:PORT} (default 127.0.0.1:8000); WebRTC over TCP
 *     is served on every {@code listen} port
 * @param rtcConsentTimeoutMs a WebRTC peer with no authenticated packet (check, SRTP, SRTCP, DTLS) this long is closed (default 30 s)
 * @param candidates addresses advertised as ICE host candidates (default: the UDP and listener IPs)
 * @param rtcProtocol {@code udp}, {@code tcp} or {@code all} (default): which candidates are advertised
 * @param signaling call signaling ({@code /sig/v1/rtc}): room capacity, limits, keepalive, token
 * @param iceServers STUN/TURN servers handed to WHIP/WHEP clients in {@code Link} headers, with static
 *     or time-limited (coturn {@code use-auth-secret}) credentials
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ServerConfig(List<String> listen, String tlsCert, String tlsKey, String publishToken, String configDir,
    Long sniffTimeoutMs, Long rtmpIdleTimeoutMs, Long mergeWriteMs, String rtcUdp, Long rtcConsentTimeoutMs,
    List<String> candidates, String rtcProtocol, SignalingSettings signaling, IceServerLinks iceServers) {

  public static final List<String> DEFAULT_LISTEN = List.of("127.0.0.1:1935", "127.0.0.1:8080");

  public static ServerConfig defaults() {
    return new ServerConfig(DEFAULT_LISTEN, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public static ServerConfig read(Path file) throws IOException {
    try {
      // a mapper for this one read: a server started from flags alone never loads Jackson's ~400 classes
      ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
      ServerConfig c = json.readValue(file.toFile(), ServerConfig.class);
      return c.withDefaults();
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file + ": " + e.getOriginalMessage(), e);
    }
  }

  ServerConfig withDefaults() {
    return new ServerConfig(listen == null || listen.isEmpty() ? DEFAULT_LISTEN : listen, tlsCert, tlsKey,
        publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withListen(List<String> l) {
    return new ServerConfig(l, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withTls(String cert, String key) {
    return new ServerConfig(listen, cert, key, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withPublishToken(String token) {
    return new ServerConfig(listen, tlsCert, tlsKey, token, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withConfigDir(String dir) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, dir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withSniffTimeoutMs(long ms) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, ms, rtmpIdleTimeoutMs, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withRtmpIdleTimeoutMs(long ms) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, ms, mergeWriteMs, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withMergeWriteMs(long ms) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, ms, rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withRtcUdp(String hostPort) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs,
        hostPort, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withRtcConsentTimeoutMs(long ms) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs,
        rtcUdp, ms, candidates, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withCandidates(List<String> c) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs,
        rtcUdp, rtcConsentTimeoutMs, c, rtcProtocol, signaling, iceServers);
  }

  public ServerConfig withRtcProtocol(String p) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs,
        rtcUdp, rtcConsentTimeoutMs, candidates, p, signaling, iceServers);
  }

  public ServerConfig withSignaling(SignalingSettings s) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs,
        rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, s, iceServers);
  }

  public ServerConfig withIceServers(IceServerLinks links) {
    return new ServerConfig(listen, tlsCert, tlsKey, publishToken, configDir, sniffTimeoutMs, rtmpIdleTimeoutMs, mergeWriteMs,
        rtcUdp, rtcConsentTimeoutMs, candidates, rtcProtocol, signaling, links);
  }

  /** {@code iceServers}, or none. */
  public IceServerLinks iceServerLinks() {
    return iceServers == null ? IceServerLinks.NONE : iceServers;
  }

  /** {@code signaling}, or the defaults. */
  public SignalingSettings signalingSettings() {
    return signaling == null ? SignalingSettings.DEFAULT : signaling;
  }

  /** {@code rtcProtocol} parsed (default ALL). */
  public studio.tally.server.webrtc.sdp.RtcProtocol rtcProtocolValue() {
    return rtcProtocol == null ? studio.tally.server.webrtc.sdp.RtcProtocol.ALL
        : studio.tally.server.webrtc.sdp.RtcProtocol.parse(rtcProtocol);
  }

  public static final String DEFAULT_RTC_UDP = "127.0.0.1:8000";

  /** The WebRTC UDP address ({@code rtcUdp}, default {@value #DEFAULT_RTC_UDP}). */
  public InetSocketAddress rtcUdpAddress() {
    return parseHostPort(rtcUdp == null ? DEFAULT_RTC_UDP : rtcUdp);
  }

  public Duration rtcConsentTimeout() {
    return Duration.ofMillis(rtcConsentTimeoutMs == null ? 30_000 : rtcConsentTimeoutMs);
  }

  /** Pinned to {@code mergeWriteMs} when set, else adaptive (grows with the players per event loop). */
  public WriteBatching batching() {
    return mergeWriteMs == null ? WriteBatching.DEFAULT : new WriteBatching.Fixed(Duration.ofMillis(mergeWriteMs));
  }

  public Duration rtmpIdleTimeout() {
    return Duration.ofMillis(rtmpIdleTimeoutMs == null ? 20_000 : rtmpIdleTimeoutMs);
  }

  public Duration sniffTimeout() {
    return Duration.ofMillis(sniffTimeoutMs == null ? 5000 : sniffTimeoutMs);
  }

  /** The platform's config directory for Tally, unless {@code configDir} says otherwise. */
  public Path configPath() {
    if (configDir != null) {
      return Path.of(configDir);
    }
    String os = System.getProperty("os.name", "").toLowerCase();
    String home = System.getProperty("user.home");
    if (os.contains("win")) {
      String appData = System.getenv("APPDATA");
      return Path.of(appData != null ? appData : home, "Tally");
    }
    if (os.contains("mac")) {
      return Path.of(home, "Library", "Application Support", "Tally");
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg, "tally") : Path.of(home, ".config", "tally");
  }

  /** Parses {@code HOST:PORT} ({@code [v6]:PORT} for IPv6); a clear message when it is not one. */
  public static InetSocketAddress parseHostPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("'" + s + "' is not HOST:PORT");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "': port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + s + "': port out of range 0..65535");
    }
    return new InetSocketAddress(host, port);
  }

  static boolean exists(String p) {
    return p != null && Files.exists(Path.of(p));
  }
}
