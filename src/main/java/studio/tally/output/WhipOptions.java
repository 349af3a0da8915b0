package studio.tally.output;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;

/**
 * Settings of one WHIP destination.
 *
 * @param token the bearer token, or null; never logged
 * @param bearerPrefix send {@code Authorization: Bearer <token>} (RFC 9725 §4.5); false sends the raw
 *     token, which some servers want
 * @param tcpOnly ICE over TCP only (the server's passive TCP candidate, RFC 4571 framing), for
 *     networks that block UDP
 * @param reconnect backoff when ICE or DTLS fails or the connection is lost (OBS's by default)
 * @param queue bounds of the send queue
 * @param iceTimeout how long ICE may check before the attempt fails
 * @param keyframeRequest asks the encoder for a keyframe (PLI/FIR from the server, and on connect);
 *     called on the event loop, must not block
 * @param eventLoopGroup the loop to run on; null = a private one, shut down on close
 * @param iceServers the user's ICE servers ({@code turn:user:pass@host:port}, {@code stun:host:port}):
 *     the first TURN server is used as the relay, before any the answer's Link headers name
 * @param relayTls how a {@code turns:} relay's certificate is trusted (a pin, or insecure); null = the
 *     JDK's trust store with host name verification
 */
public record WhipOptions(String token, boolean bearerPrefix, boolean tcpOnly, ReconnectPolicy reconnect,
    SendQueueLimits queue, Duration iceTimeout, Runnable keyframeRequest, EventLoopGroup eventLoopGroup,
    java.util.List<String> iceServers, TlsTrust relayTls) {

  public static final WhipOptions DEFAULT = new WhipOptions(null, true, false, ReconnectPolicy.DEFAULT,
      SendQueueLimits.DEFAULT, Duration.ofSeconds(10), () -> { }, null, java.util.List.of(), null);

  public WhipOptions {
    iceServers = java.util.List.copyOf(iceServers);
  }

  /**
   * Checks one ICE server URL as a WHIP destination uses it: {@code stun:HOST[:PORT]} (accepted, not
   * needed: the server learns our address from the checks), {@code turn:USER:PASS@HOST[:PORT]
   * [?transport=udp|tcp]} or {@code turns:USER:PASS@HOST[:PORT]}.
   *
   * @throws IllegalArgumentException with the reason (never the password)
   */
  public static void checkIceServer(String url) {
    String u = url == null ? "" : url.strip();
    if (u.regionMatches(true, 0, "stun:", 0, 5)) {
      if (!u.substring(5).matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(:\\d{1,5})?")) {
        throw new IllegalArgumentException("STUN server '" + u + "' must be stun:HOST[:PORT]");
      }
      return;
    }
    studio.tally.webrtc.ice.TurnServer.parse(u);
  }

  public WhipOptions withIceServers(java.util.List<String> servers) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup,
        servers, relayTls);
  }

  public WhipOptions withToken(String t, boolean prefix) {
    return new WhipOptions(t, prefix, tcpOnly, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup, iceServers, relayTls);
  }

  public WhipOptions withTcpOnly(boolean on) {
    return new WhipOptions(token, bearerPrefix, on, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup, iceServers, relayTls);
  }

  public WhipOptions withReconnect(ReconnectPolicy p) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, p, queue, iceTimeout, keyframeRequest, eventLoopGroup, iceServers, relayTls);
  }

  public WhipOptions withKeyframeRequest(Runnable r) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, iceTimeout, r, eventLoopGroup, iceServers, relayTls);
  }

  public WhipOptions withIceTimeout(Duration d) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, d, keyframeRequest, eventLoopGroup, iceServers, relayTls);
  }

  public WhipOptions withRelayTls(TlsTrust trust) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup,
        iceServers, trust);
  }

  @Override
  public String toString() {
    return "WhipOptions[token " + (token == null ? "none" : "set") + ", tcpOnly " + tcpOnly + ", ICE servers "
        + iceServers.size() + "]"; // never the servers: their URLs may carry passwords
  }
}
