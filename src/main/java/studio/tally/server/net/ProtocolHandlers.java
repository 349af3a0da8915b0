package studio.tally.server.net;

import io.netty.channel.ChannelPipeline;

/**
 * What each protocol's server installs behind the sniffer. Implemented by the server that wires the
 * protocol packages; {@code net} knows none of them.
 */
public interface ProtocolHandlers {

  /** Adds the protocol's handlers at the end of {@code pipeline}; {@code tls} says it runs inside TLS. */
  void install(Protocol protocol, ChannelPipeline pipeline, boolean tls);

  /** Whether this server speaks {@code protocol} at all (e.g. STUN only once WebRTC is on). */
  boolean supports(Protocol protocol);
}
