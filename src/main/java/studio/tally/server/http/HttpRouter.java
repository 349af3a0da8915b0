package studio.tally.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.signaling.SignalingEndpoint;

/**
 * Routes one complete request: {@code /api/v1/...} to the status API, {@code /{app}/{stream}.flv} to
 * HTTP-FLV. Bad requests get a 4xx with a one-line reason and one log line.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

  private final StreamHub hub;
  private final ApiRoutes api;
  private final boolean tls;
  private final WebRtcRoutes rtc;
  private final SignalingEndpoint signaling;

  HttpRouter(StreamHub hub, ApiRoutes api, boolean tls, WebRtcRoutes rtc, SignalingEndpoint signaling) {
    this.signaling = signaling;
    this.hub = hub;
    this.api = api;
    this.tls = tls;
    this.rtc = rtc;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!ctx.channel().isActive()) {
      return; // e.g. the codec's "closed before headers" after a 408: nobody left to answer
    }
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      HttpResponseStatus status = switch (dr.cause()) {
        case TooLongHttpLineException e -> HttpResponseStatus.REQUEST_URI_TOO_LONG;
        case TooLongHttpHeaderException e -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        case TooLongFrameException e -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        default -> HttpResponseStatus.BAD_REQUEST;
      };
      reject(ctx, req, status, "bad request: " + dr.cause().getMessage());
      return;
    }
    QueryStringDecoder uri;
    try {
      uri = new QueryStringDecoder(req.uri());
    } catch (IllegalArgumentException e) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad request target: " + e.getMessage());
      return;
    }
    String path = uri.path();
    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.contains("\\")
        || path.indexOf('\0') >= 0 || path.contains("//")) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad path");
      return;
    }
    if (path.startsWith("/api/")) {
      api.handle(ctx, req, uri);
      return;
    }
    if (rtc != null && WebRtcRoutes.matches(path)) {
      rtc.handle(ctx, req, uri);
      return;
    }
    if (signaling != null && SignalingEndpoint.matches(path)) {
      // An upgrade takes the HTTP handlers out; the handshake itself removes the codec and aggregator.
      signaling.handle(ctx, req, uri, tls, java.util.List.of(HttpPipeline.DEADLINE, HttpPipeline.ROUTER));
      return;
    }
    if (path.startsWith("/players/")) {
      StaticPages.serve(ctx, req, path);
      return;
    }
    if (path.equals("/call") || path.startsWith("/call/")) {
      StaticPages.serveCallPage(ctx, req, path);
      return;
    }
    if (path.endsWith(".flv")) {
      playFlv(ctx, req, uri, path);
      return;
    }
    if (path.equals("/") && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)) {
      HttpResponses.text(ctx, req, HttpResponseStatus.OK,
          "Tally Studio server. Play: /{app}/{stream}.flv  API: /api/v1/versions /api/v1/streams /api/v1/clients");
      return;
    }
    reject(ctx, req, HttpResponseStatus.NOT_FOUND, "not found: " + path);
  }

  private void playFlv(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String path) {
    if (req.method() != HttpMethod.GET) {
      reject(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "FLV playback takes GET");
      return;
    }
    String[] parts = path.substring(1, path.length() - ".flv".length()).split("/", -1);
    if (parts.length != 2 || !StreamKey.isValidSegment(parts[0]) || !StreamKey.isValidSegment(parts[1])) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "FLV path must be /{app}/{stream}.flv");
      return;
    }
    StreamKey key = new StreamKey(parts[0], parts[1]);
    if (hub.stream(key).isEmpty()) {
      reject(ctx, req, HttpResponseStatus.NOT_FOUND, "no stream " + key + " is being published");
      return;
    }
    String ip = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "";
    String host = req.headers().get(HttpHeaderNames.HOST, "");
    String url = (tls ? "https://" : "http://") + host + path;
    Client client = new Client(hub.newId(), Client.Type.FLV_PLAY, ip, key, url,
        req.headers().get(HttpHeaderNames.REFERER, ""), hub.clock().instant(), reason -> ctx.channel().close());
    FlvPlayer player = new FlvPlayer(ctx.executor(), hub, client);

    // Header and FLV file header go out through the HTTP codec; then the codec leaves the pipeline
    // so each tag is written as the shared buffer it is.
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set(HttpHeaderNames.SERVER, "Tally")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    ctx.write(res);
    LiveStream s = hub.stream(key).orElse(null);
    int flags = s == null || (!s.hasAudio() && !s.hasVideo()) ? 0x05 : (s.hasAudio() ? 0x04 : 0) | (s.hasVideo() ? 0x01 : 0);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'F', 'L', 'V', 1, (byte) flags, 0, 0, 0, 9, 0, 0, 0, 0}));

    var p = ctx.pipeline();
    RequestDeadline deadline = p.get(RequestDeadline.class);
    if (deadline != null) {
      deadline.streaming();
      p.remove(deadline);
    }
    p.remove(HttpPipeline.AGGREGATOR);
    p.remove(HttpPipeline.CODEC);
    p.replace(this, "flv-player", player);
    hub.register(client);
    var attached = hub.play(key, player);
    if (attached.isEmpty()) {
      hub.unregister(client);
      ctx.channel().close();
      return;
    }
    player.attached(attached.get());
    log.info("flv player {} from {} plays {}", client.id(), ip, key);
  }

  private static void reject(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String msg) {
    log.info("{}: {} {} -> {} {}", ctx.channel().remoteAddress(), req.method(), abbreviate(req.uri()), status.code(), msg);
    HttpResponses.text(ctx, req, status, msg);
  }

  static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.info("{}: HTTP error: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
