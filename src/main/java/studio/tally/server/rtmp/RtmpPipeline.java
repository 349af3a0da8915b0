package studio.tally.server.rtmp;

import io.netty.channel.ChannelPipeline;
import studio.tally.server.hub.StreamHub;

/** Installs RTMP (or RTMPS, behind the TLS handler) after the sniffer. */
public final class RtmpPipeline {
  private final StreamHub hub;
  private final String publishToken;

  /** @param publishToken null or empty: anyone may publish */
  public RtmpPipeline(StreamHub hub, String publishToken) {
    this.hub = hub;
    this.publishToken = publishToken == null ? "" : publishToken;
  }

  public void install(ChannelPipeline p, boolean tls) {
    p.addLast("rtmp", new RtmpConnection(hub, publishToken, tls));
  }
}
