package studio.tally.config;

import java.util.List;

/**
 * The embedded server started with the studio.
 *
 * @param listen TCP listeners {@code HOST:PORT}; each serves RTMP, HTTP-FLV, HTTPS and RTMPS
 * @param rtcUdp WebRTC UDP {@code HOST:PORT}; null = the server's default (127.0.0.1:8000)
 * @param iceServers STUN/TURN URLs the server names to WHIP/WHEP clients ({@code Link} headers), as
 *     {@code tally serve --ice-server}
 * @param turnSecret coturn's static-auth-secret for time-limited TURN credentials, or null
 */
public record ServerSettings(boolean enabled, List<String> listen, String rtcUdp, List<String> iceServers, String turnSecret) {
  public static final List<String> DEFAULT_LISTEN = List.of("127.0.0.1:1935", "127.0.0.1:8080");
  public static final ServerSettings DEFAULT = new ServerSettings(true, DEFAULT_LISTEN, null, List.of(), null);

  public ServerSettings {
    listen = listen == null || listen.isEmpty() ? DEFAULT_LISTEN : List.copyOf(listen);
    iceServers = iceServers == null ? List.of() : List.copyOf(iceServers);
    turnSecret = turnSecret == null || turnSecret.isEmpty() ? null : turnSecret;
    for (String l : listen) {
      int colon = l == null ? -1 : l.lastIndexOf(':');
      if (colon <= 0 || !l.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException("server listen address '" + l + "' is not HOST:PORT");
      }
    }
  }

  public ServerSettings(boolean enabled, List<String> listen, String rtcUdp) {
    this(enabled, listen, rtcUdp, List.of(), null);
  }

  public ServerSettings withListen(List<String> l) {
    return new ServerSettings(enabled, l, rtcUdp, iceServers, turnSecret);
  }

  public ServerSettings withEnabled(boolean on) {
    return new ServerSettings(on, listen, rtcUdp, iceServers, turnSecret);
  }

  public ServerSettings withRtcUdp(String hostPort) {
    return new ServerSettings(enabled, listen, hostPort, iceServers, turnSecret);
  }

  public ServerSettings withIceServers(List<String> urls, String secret) {
    return new ServerSettings(enabled, listen, rtcUdp, urls, secret);
  }

  @Override
  public String toString() {
    return "ServerSettings[enabled=" + enabled + ", listen=" + listen + ", rtcUdp=" + rtcUdp + ", iceServers="
        + iceServers.size() + (turnSecret == null ? "" : ", turnSecret=…") + "]"; // URLs may carry passwords
  }

  /** Where the local destination publishes: the first listener (every listener serves every protocol). */
  public String rtmpListen() {
    return listen.get(0);
  }

  /** The listener players should use for HTTP-FLV: the second when there are two, else the first. */
  public String httpListen() {
    return listen.size() > 1 ? listen.get(1) : listen.get(0);
  }
}
