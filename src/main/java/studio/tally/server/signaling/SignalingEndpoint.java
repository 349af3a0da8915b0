package studio.tally.server.signaling;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.signaling.Participant;

/**
 * SRS-compatible call signaling on the HTTP listener: {@code GET /sig/v1/versions} answers {@code 1.0},
 * {@code /sig/v1/rtc} upgrades to a WebSocket (ws or wss: TLS was already taken off by the sniffer).
 * The HTTP router hands such requests here; after the upgrade the HTTP handlers leave the pipeline.
 */
public final class SignalingEndpoint {
  private static final Logger log = LoggerFactory.getLogger(SignalingEndpoint.class);
  public static final String RTC_PATH = "/sig/v1/rtc";
  public static final String VERSIONS_PATH = "/sig/v1/versions";

  private final SignalingSettings settings;
  private final RoomRegistry rooms;
  private final AtomicInteger sockets = new AtomicInteger();

  public SignalingEndpoint(SignalingSettings settings) {
    this.settings = settings;
    this.rooms = new RoomRegistry(settings.capacity(), settings.roomLimit());
  }

  public static boolean matches(String path) {
    return path.equals(RTC_PATH) || path.equals(VERSIONS_PATH);
  }

  /**
   * Answers a request for one of our paths. For an upgrade, {@code httpHandlers} are the HTTP handlers
   * that leave the pipeline once the WebSocket takes over (the codec goes by the handshake itself).
   */
  public void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, boolean tls,
      List<String> httpHandlers) {
    if (uri.path().equals(VERSIONS_PATH)) {
      if (req.method() == HttpMethod.OPTIONS) {
        respond(ctx, req, HttpResponseStatus.OK, "");
      } else if (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD) {
        respond(ctx, req, HttpResponseStatus.OK, "1.0");
      } else {
        respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET " + VERSIONS_PATH);
      }
      return;
    }
    if (req.method() != HttpMethod.GET || !req.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
      respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "WebSocket upgrade expected at " + RTC_PATH);
      return;
    }
    boolean authorized = settings.token() == null;
    List<String> token = uri.parameters().get("token");
    if (!authorized && token != null && !token.isEmpty()) {
      if (!java.security.MessageDigest.isEqual(settings.token().getBytes(StandardCharsets.UTF_8),
          token.getFirst().getBytes(StandardCharsets.UTF_8))) {
        log.info("{}: signaling upgrade with a wrong token -> 401", ctx.channel().remoteAddress());
        respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "wrong token");
        return;
      }
      authorized = true;
    }
    String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
    var decoder = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(settings.messageLimit())
        .allowExtensions(false).closeOnProtocolViolation(false).build();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
        (tls ? "wss://" : "ws://") + host + RTC_PATH, null, decoder).newHandshaker(req);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    ChannelPipeline p = ctx.pipeline();
    SignalingSession session = new SignalingSession(ctx.channel(), rooms, settings, authorized);
    sockets.incrementAndGet();
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(settings.messageLimit()));
    p.addLast("ws-idle", new IdleStateHandler(settings.deadAfter().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast("signaling", new SignalingHandler(session, settings, sockets::decrementAndGet));
    for (String name : httpHandlers) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
    handshaker.handshake(ctx.channel(), req).addListener(f -> {
      if (!f.isSuccess()) {
        log.info("{}: WebSocket handshake failed: {}", ctx.channel().remoteAddress(), f.cause().toString());
        ctx.channel().close();
      }
    });
    log.debug("{}: signaling socket open ({})", ctx.channel().remoteAddress(), tls ? "wss" : "ws");
  }

  /** Open signaling sockets. */
  public int socketCount() {
    return sockets.get();
  }

  public int roomCount() {
    return rooms.roomCount();
  }

  /** Participants over all rooms. */
  public int memberCount() {
    return rooms.memberCount();
  }

  public List<Participant> participants(String room) {
    return rooms.participants(room);
  }

  public SignalingSettings settings() {
    return settings;
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
    FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes())
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, OPTIONS")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "*")
        .set(HttpHeaderNames.SERVER, "Tally");
    if (req.method() == HttpMethod.HEAD) {
      res.content().clear();
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req) && status.code() < 400;
    HttpUtil.setKeepAlive(res, keepAlive);
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
