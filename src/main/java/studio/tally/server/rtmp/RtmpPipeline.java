package studio.tally.server.rtmp;

import io.netty.channel.ChannelPipeline;
import studio.tally.server.hub.StreamHub;

/** Installs RTMP (or RTMPS, behind the TLS handler) after the sniffer. */
public final class RtmpPipeline {
  private final StreamHub hub;
  private final String publishToken;
  private final long idleTimeoutMs;

  /**
   * @param publishToken null or empty: anyone may publish
   * @param idleTimeout how long a connection may stay neither publishing nor playing, and how long
   *     a publisher may stay silent
   */
  public RtmpPipeline(StreamHub hub, String publishToken, java.time.Duration idleTimeout) {
    this.hub = hub;
    this.publishToken = publishToken == null ? "" : publishToken;
    this.idleTimeoutMs = idleTimeout.toMillis();
  }

  public void install(ChannelPipeline p, boolean tls) {
    p.addLast("rtmp", new RtmpConnection(hub, publishToken, tls, idleTimeoutMs));
  }
}
