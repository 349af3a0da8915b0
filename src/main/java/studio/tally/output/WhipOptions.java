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
 */
public record WhipOptions(String token, boolean bearerPrefix, boolean tcpOnly, ReconnectPolicy reconnect,
    SendQueueLimits queue, Duration iceTimeout, Runnable keyframeRequest, EventLoopGroup eventLoopGroup,
    java.util.List<String> iceServers) {

  public static final WhipOptions DEFAULT = new WhipOptions(null, true, false, ReconnectPolicy.DEFAULT,
      SendQueueLimits.DEFAULT, Duration.ofSeconds(10), () -> { }, null, java.util.List.of());

  public WhipOptions {
    iceServers = java.util.List.copyOf(iceServers);
  }

  public WhipOptions withIceServers(java.util.List<String> servers) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup,
        servers);
  }

  public WhipOptions withToken(String t, boolean prefix) {
    return new WhipOptions(t, prefix, tcpOnly, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup, iceServers);
  }

  public WhipOptions withTcpOnly(boolean on) {
    return new WhipOptions(token, bearerPrefix, on, reconnect, queue, iceTimeout, keyframeRequest, eventLoopGroup, iceServers);
  }

  public WhipOptions withReconnect(ReconnectPolicy p) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, p, queue, iceTimeout, keyframeRequest, eventLoopGroup, iceServers);
  }

  public WhipOptions withKeyframeRequest(Runnable r) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, iceTimeout, r, eventLoopGroup, iceServers);
  }

  public WhipOptions withIceTimeout(Duration d) {
    return new WhipOptions(token, bearerPrefix, tcpOnly, reconnect, queue, d, keyframeRequest, eventLoopGroup, iceServers);
  }

  @Override
  public String toString() {
    return "WhipOptions[token " + (token == null ? "none" : "set") + ", tcpOnly " + tcpOnly + ", ICE servers "
        + iceServers.size() + "]"; // never the servers: their URLs may carry passwords
  }
}
