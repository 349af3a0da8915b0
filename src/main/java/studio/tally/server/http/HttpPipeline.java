package studio.tally.server.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.signaling.SignalingEndpoint;

/** Installs the HTTP/1.1 stack behind the sniffer: codec, slowloris deadline, aggregator, router. */
public final class HttpPipeline {
  static final String CODEC = "http-codec";
  static final String AGGREGATOR = "http-aggregator";
  static final String DEADLINE = "http-deadline";
  static final String ROUTER = "http-router";

  private final StreamHub hub;
  private final HttpLimits limits;
  private final ApiRoutes api;
  private final WebRtcRoutes rtc;
  private final SignalingEndpoint signaling;

  public HttpPipeline(StreamHub hub, HttpLimits limits, ServerStatus status) {
    this(hub, limits, status, null);
  }

  /** @param rtc WHIP/WHEP endpoints, or null for none */
  public HttpPipeline(StreamHub hub, HttpLimits limits, ServerStatus status, WebRtcRoutes rtc) {
    this(hub, limits, status, rtc, null);
  }

  /** @param signaling call signaling at {@code /sig/v1/}, or null for none */
  public HttpPipeline(StreamHub hub, HttpLimits limits, ServerStatus status, WebRtcRoutes rtc, SignalingEndpoint signaling) {
    this.rtc = rtc;
    this.signaling = signaling;
    this.hub = hub;
    this.limits = limits;
    this.api = new ApiRoutes(hub, status, rtc == null ? null : rtc.registry());
  }

  public void install(ChannelPipeline p, boolean tls) {
    HttpDecoderConfig config = new HttpDecoderConfig()
        .setMaxInitialLineLength(limits.maxInitialLine())
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setMaxChunkSize(64 * 1024);
    p.addLast(CODEC, new HttpServerCodec(config));
    p.addLast(DEADLINE, new RequestDeadline(limits));
    p.addLast(AGGREGATOR, new HttpObjectAggregator(limits.maxBodyBytes(), true));
    p.addLast(ROUTER, new HttpRouter(hub, api, tls, rtc, signaling));
  }
}
