package studio.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.IceCredentials;
import studio.tally.server.webrtc.RtcTransport;
import studio.tally.server.webrtc.WebRtcTransportServer;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.server.webrtc.sdp.AnswerContext;
import studio.tally.server.webrtc.sdp.CandidateAddress;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sdp.NegotiationException;
import studio.tally.server.webrtc.sdp.PlaySource;
import studio.tally.server.webrtc.sdp.SdpAnswerer;
import studio.tally.server.webrtc.sfu.RtcPublisherSession;
import studio.tally.server.webrtc.sfu.RtcStreamRegistry;
import studio.tally.server.webrtc.sfu.RtcStreamStats;
import studio.tally.server.webrtc.sfu.RtcSubscriberSession;

/**
 * WHIP/WHEP (RFC 9725 and SRS paths): {@code POST /rtc/v1/whip/?app=&stream=},
 * {@code /rtc/v1/whep/?app=&stream=}, {@code /whip/{app}/{stream}}, {@code /whep/{app}/{stream}} with
 * an SDP offer → 201 + answer + {@code Location}; {@code DELETE} the Location ends the session;
 * {@code OPTIONS} → CORS. Also SRS's JSON API {@code /rtc/v1/publish/} and {@code /rtc/v1/play/}.
 */
public final class WebRtcRoutes {
  private static final Logger log = LoggerFactory.getLogger(WebRtcRoutes.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  // SRS's error codes (srs_kernel_error.hpp), so SRS clients read our failures
  static final int ERROR_RTC_SDP_DECODE = 5012;
  static final int ERROR_RTC_SDP_EXCHANGE = 5018;
  static final int ERROR_RTC_API_BODY = 5019;
  static final int ERROR_RTC_SOURCE_BUSY = 5020;
  static final int ERROR_RTC_INVALID_PARAMS = 5023;
  static final int ERROR_RTC_NO_PUBLISHER = 5028;
  static final int ERROR_RTC_INVALID_SESSION = 5036;
  /** SRS has no code for a refused token on this API (it uses hooks): ours is the HTTP one. */
  static final int ERROR_UNAUTHORIZED = 401;
  /** How often a session's transport byte counts are copied to its API client and stream. */
  private static final long COUNTER_SYNC_MS = 1000;

  private final WebRtcTransportServer webrtc;
  private final RtcStreamRegistry registry;
  private final Supplier<List<CandidateAddress>> candidates;
  private final String publishToken;
  private final StreamHub hub;
  private final studio.tally.server.bridge.RtmpToRtcBridges bridges;
  private final IceServerLinks iceServers;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Future<?>> timers = new ConcurrentHashMap<>();

  private record Session(String id, String token, StreamKey key, boolean publish, RtcTransport transport, String answer,
      CounterSync counters) {}

  /**
   * Copies a transport's byte counts into its {@link Client} and its stream's totals (SRS's
   * {@code send_bytes/recv_bytes}), as deltas: the transport counts, the API reads the hub's adders.
   */
  private static final class CounterSync {
    private final RtcTransport transport;
    private final Client client;
    private final RtcStreamStats stream;
    private long in;
    private long out;

    CounterSync(RtcTransport transport, Client client, RtcStreamStats stream) {
      this.transport = transport;
      this.client = client;
      this.stream = stream;
    }

    synchronized void run() {
      RtcTransport.Stats st = transport.stats();
      long dIn = st.bytesIn() - in;
      long dOut = st.bytesOut() - out;
      in = st.bytesIn();
      out = st.bytesOut();
      client.recvBytes.add(dIn);
      client.sendBytes.add(dOut);
      if (stream != null) {
        stream.recvBytes.add(dIn);
        stream.sendBytes.add(dOut);
      }
    }
  }

  /** Why a WHIP/WHEP request failed: HTTP status and one-line message. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final HttpResponseStatus status;
    final int srsCode;

    Refused(HttpResponseStatus status, int srsCode, String message) {
      super(message, null, false, false);
      this.status = status;
      this.srsCode = srsCode;
    }
  }

  /**
   * @param candidates our host candidates (asked per request: listeners bind after construction)
   * @param publishToken when non-null, WHIP needs {@code Authorization: Bearer <token>} (or {@code ?token=})
   */
  public WebRtcRoutes(WebRtcTransportServer webrtc, RtcStreamRegistry registry,
      Supplier<List<CandidateAddress>> candidates, String publishToken, StreamHub hub) {
    this(webrtc, registry, candidates, publishToken, hub, null);
  }

  /** @param bridges maps RTMP streams for WebRTC players (null: WebRTC players see WebRTC streams only) */
  public WebRtcRoutes(WebRtcTransportServer webrtc, RtcStreamRegistry registry,
      Supplier<List<CandidateAddress>> candidates, String publishToken, StreamHub hub,
      studio.tally.server.bridge.RtmpToRtcBridges bridges) {
    this(webrtc, registry, candidates, publishToken, hub, bridges, IceServerLinks.NONE);
  }

  /** @param iceServers the STUN/TURN servers named in {@code Link} headers on the 201 and on OPTIONS */
  public WebRtcRoutes(WebRtcTransportServer webrtc, RtcStreamRegistry registry,
      Supplier<List<CandidateAddress>> candidates, String publishToken, StreamHub hub,
      studio.tally.server.bridge.RtmpToRtcBridges bridges, IceServerLinks iceServers) {
    this.iceServers = java.util.Objects.requireNonNull(iceServers, "iceServers");
    this.bridges = bridges;
    this.webrtc = webrtc;
    this.registry = registry;
    this.candidates = candidates;
    this.publishToken = publishToken;
    this.hub = hub;
  }

  /** The WebRTC streams, for the status API. */
  RtcStreamRegistry registry() {
    return registry;
  }

  /** Whether {@code path} is one of ours. */
  static boolean matches(String path) {
    return path.startsWith("/rtc/v1/") || path.startsWith("/whip/") || path.startsWith("/whep/");
  }

  void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
    String path = uri.path();
    if (req.method() == HttpMethod.OPTIONS) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      cors(res);
      if (!path.startsWith("/rtc/v1/publish") && !path.startsWith("/rtc/v1/play")) {
        links(res); // RFC 9725 §4.6: a client may ask for the ICE servers before it offers
      }
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      write(ctx, req, res);
      return;
    }
    try {
      if (path.equals("/rtc/v1/publish/") || path.equals("/rtc/v1/publish")
          || path.equals("/rtc/v1/play/") || path.equals("/rtc/v1/play")) {
        srsApi(ctx, req, path.startsWith("/rtc/v1/publish"));
        return;
      }
      boolean whip;
      StreamKey key;
      if (path.equals("/rtc/v1/whip/") || path.equals("/rtc/v1/whip") || path.equals("/rtc/v1/whep/")
          || path.equals("/rtc/v1/whep")) {
        whip = path.startsWith("/rtc/v1/whip");
        if (req.method() == HttpMethod.DELETE) {
          delete(ctx, req, uri);
          return;
        }
        key = key(param(uri, "app", "live"), param(uri, "stream", null));
      } else {
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != 3) {
          throw new Refused(HttpResponseStatus.NOT_FOUND, 404, "WHIP/WHEP path must be /whip/{app}/{stream} or /whep/{app}/{stream}");
        }
        whip = parts[0].equals("whip");
        if (req.method() == HttpMethod.DELETE) {
          delete(ctx, req, uri);
          return;
        }
        key = key(parts[1], parts[2]);
      }
      if (req.method() != HttpMethod.POST) {
        throw new Refused(HttpResponseStatus.METHOD_NOT_ALLOWED, 405, req.method() + " not allowed; POST an SDP offer");
      }
      String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      if (!type.isEmpty() && !type.toLowerCase().startsWith("application/sdp")) {
        throw new Refused(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, 415, "Content-Type must be application/sdp, got " + type);
      }
      if (whip) {
        checkToken(req, uri);
      }
      String offer = req.content().toString(StandardCharsets.UTF_8);
      Session s = whip ? publish(ctx, req, key, offer) : play(ctx, req, key, offer);
      String location = "/rtc/v1/" + (whip ? "whip" : "whep") + "/?action=delete&token=" + s.token
          + "&app=" + key.app() + "&stream=" + key.name() + "&session=" + s.id;
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
          Unpooled.copiedBuffer(s.answer, StandardCharsets.UTF_8));
      cors(res);
      links(res);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/sdp")
          .set(HttpHeaderNames.LOCATION, location)
          .set("Session-Id", s.id)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      write(ctx, req, res);
    } catch (Refused e) {
      log.info("{}: {} {} -> {} {}", ctx.channel().remoteAddress(), req.method(), HttpRouter.abbreviate(req.uri()),
          e.status.code(), e.getMessage());
      HttpResponses.text(ctx, req, e.status, e.getMessage());
    }
  }

  private void checkToken(FullHttpRequest req, QueryStringDecoder uri) throws Refused {
    if (publishToken == null) {
      return;
    }
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    String given = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : auth.strip();
    if (given.isEmpty()) {
      given = param(uri, "token", "");
    }
    if (!java.security.MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        publishToken.getBytes(StandardCharsets.UTF_8))) {
      throw new Refused(HttpResponseStatus.UNAUTHORIZED, ERROR_UNAUTHORIZED,
          given.isEmpty() ? "publishing needs Authorization: Bearer <token>" : "wrong publish token");
    }
  }

  private Session publish(ChannelHandlerContext ctx, FullHttpRequest req, StreamKey key, String offer) throws Refused {
    if (registry.isPublishing(key)) {
      throw new Refused(HttpResponseStatus.CONFLICT, ERROR_RTC_SOURCE_BUSY, "stream " + key + " is already being published");
    }
    var ice = studio.tally.server.webrtc.sdp.LocalIceCredentials.random();
    Negotiated n = negotiate(offer, AnswerContext.publish(ice, fingerprint(), candidates()));
    String[] id = new String[1];
    Client[] client = new Client[1];
    RtcPublisherSession p = registry.publish(key, n, () -> ended(id[0], client[0])).orElseThrow(
        () -> new Refused(HttpResponseStatus.CONFLICT, ERROR_RTC_SOURCE_BUSY, "stream " + key + " is already being published"));
    RtcTransport t;
    try {
      t = webrtc.createTransport(credentials(ice, n), remoteFingerprint(n), n.remote().dtlsRole(), p);
    } catch (RuntimeException e) {
      p.abandon();
      throw new Refused(HttpResponseStatus.SERVICE_UNAVAILABLE, 503, "cannot create transport: " + e.getMessage());
    }
    p.attach(t);
    var stream = registry.stream(key);
    return register(ctx, req, key, true, t, n, id, client, reason -> {
      stream.ifPresent(s -> s.kick(p));
      t.close("kicked: " + reason);
    }, stream.map(s -> s.stats()).orElse(null));
  }

  private Session play(ChannelHandlerContext ctx, FullHttpRequest req, StreamKey key, String offer) throws Refused {
    if (bridges != null) {
      bridges.ensure(key); // an RTMP stream of that name: its bridge becomes the WebRTC source
    }
    PlaySource live = registry.playSource(key).orElse(null);
    boolean wait = live == null;
    if (wait && registry.playWait().isZero()) {
      throw new Refused(HttpResponseStatus.NOT_FOUND, ERROR_RTC_NO_PUBLISHER, "no WebRTC stream " + key + " is being published");
    }
    var ice = studio.tally.server.webrtc.sdp.LocalIceCredentials.random();
    PlaySource source = live;
    Negotiated n = null;
    if (wait) { // not live yet: answer with our preferred codecs the player takes, and wait for the publisher
      Refused last = null;
      for (String codec : RtcStreamRegistry.WAITING_VIDEO_CODECS) {
        source = registry.waitingPlaySource(key, codec);
        try {
          n = negotiate(offer, AnswerContext.play(ice, fingerprint(), candidates(), source));
          break;
        } catch (Refused e) {
          if (e.status != HttpResponseStatus.NOT_ACCEPTABLE) {
            throw e;
          }
          last = e;
        }
      }
      if (n == null) {
        throw last;
      }
    } else {
      try {
        n = negotiate(offer, AnswerContext.play(ice, fingerprint(), candidates(), source));
      } catch (Refused e) {
        PlaySource relaxed = e.status == HttpResponseStatus.NOT_ACCEPTABLE ? bridgedBaseline(key, source) : null;
        if (relaxed == null) {
          throw e;
        }
        n = negotiate(offer, AnswerContext.play(ice, fingerprint(), candidates(), relaxed));
        log.info("rtc player of {}: it offers no H.264 {} (the RTMP stream's profile); answered {} as SRS does,"
            + " the picture decodes where its H.264 decoder supports the real profile (libwebrtc's does)", key,
            source.video().fmtp().get("profile-level-id"), relaxed.video().fmtp().get("profile-level-id"));
        source = relaxed;
      }
    }
    String[] id = new String[1];
    Client[] client = new Client[1];
    RtcSubscriberSession s = wait ? registry.subscribeOrWait(key, n, source, () -> ended(id[0], client[0]))
        : registry.subscribe(key, n, source, () -> ended(id[0], client[0])).orElseThrow(
            () -> new Refused(HttpResponseStatus.NOT_FOUND, ERROR_RTC_NO_PUBLISHER, "no WebRTC stream " + key + " is being published"));
    RtcTransport t;
    try {
      t = webrtc.createTransport(credentials(ice, n), remoteFingerprint(n), n.remote().dtlsRole(), s);
    } catch (RuntimeException e) {
      s.abandon();
      throw new Refused(HttpResponseStatus.SERVICE_UNAVAILABLE, 503, "cannot create transport: " + e.getMessage());
    }
    s.attach(t);
    if (wait) {
      registry.startWaiting(s);
      if (bridges != null) {
        bridges.bridgeWhenPublished(key, registry.playWait()); // or an RTMP publisher
      }
      log.info("rtc player of {} waits up to {} ms for a publisher", key, registry.playWait().toMillis());
    }
    return register(ctx, req, key, false, t, n, id, client, reason -> t.close("kicked: " + reason),
        registry.stream(key).map(st -> st.stats()).orElse(null));
  }

  private Session register(ChannelHandlerContext ctx, FullHttpRequest req, StreamKey key, boolean publish,
      RtcTransport t, Negotiated n, String[] id, Client[] client, Consumer<String> kick,
      RtcStreamStats streamStats) {
    String ip = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "";
    String host = req.headers().get(HttpHeaderNames.HOST, "");
    Client c = new Client(hub.newId(), publish ? Client.Type.RTC_PUBLISH : Client.Type.RTC_PLAY, ip, key,
        "webrtc://" + host + "/" + key.app() + "/" + key.name(), req.headers().get(HttpHeaderNames.REFERER, ""),
        hub.clock().instant(), kick);
    CounterSync sync = new CounterSync(t, c, streamStats);
    Session s = new Session(c.id(), token(), key, publish, t, n.answer().encode(), sync);
    id[0] = s.id;
    client[0] = c;
    sessions.put(s.id, s);
    hub.register(c);
    var timer = t.eventLoop().scheduleAtFixedRate(sync::run, COUNTER_SYNC_MS, COUNTER_SYNC_MS, TimeUnit.MILLISECONDS);
    timers.put(s.id, timer);
    log.info("rtc {} {} from {} for {} ({})", publish ? "publisher" : "player", c.id(), ip, key, t);
    if (t.state() == RtcTransport.State.CLOSED) {
      ended(s.id, c);
    }
    return s;
  }

  private void ended(String id, Client c) {
    if (c != null) {
      hub.unregister(c);
    }
    if (id != null) {
      // kept a while so a late DELETE still gets 200
      Session s = sessions.get(id);
      var timer = timers.remove(id);
      if (timer != null) {
        timer.cancel(false);
      }
      if (s != null) {
        s.counters.run(); // the last bytes
        s.transport.eventLoop().schedule(() -> sessions.remove(id), 60, TimeUnit.SECONDS);
      }
    }
  }

  private void delete(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) throws Refused {
    String id = param(uri, "session", "");
    Session s = sessions.get(id);
    if (s == null || !s.token.equals(param(uri, "token", ""))) {
      throw new Refused(HttpResponseStatus.NOT_FOUND, ERROR_RTC_INVALID_SESSION, "no such WebRTC session");
    }
    sessions.remove(id);
    s.transport.close("deleted");
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    cors(res);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    write(ctx, req, res);
  }

  /** SRS: {@code {"streamurl":"webrtc://host/app/stream","sdp":...}} → {@code {"code":0,...,"sdp","sessionid"}}. */
  private void srsApi(ChannelHandlerContext ctx, FullHttpRequest req, boolean publish) {
    ObjectNode out = HttpResponses.JSON.createObjectNode();
    try {
      if (req.method() != HttpMethod.POST) {
        throw new Refused(HttpResponseStatus.METHOD_NOT_ALLOWED, 405, "POST a JSON body");
      }
      JsonNode body;
      try {
        body = HttpResponses.JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_API_BODY, "body is not JSON");
      }
      String url = body.path("streamurl").asText("");
      String sdp = body.path("sdp").asText("");
      if (url.isEmpty() || sdp.isEmpty()) {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_INVALID_PARAMS, "streamurl and sdp are required");
      }
      String p;
      try {
        p = URI.create(url).getPath();
      } catch (IllegalArgumentException e) {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_INVALID_PARAMS, "bad streamurl");
      }
      String[] parts = p == null ? new String[0] : p.substring(1).split("/", -1);
      if (parts.length != 2) {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_INVALID_PARAMS, "streamurl must be webrtc://host/app/stream");
      }
      StreamKey key = key(parts[0], parts[1]);
      if (publish) {
        checkToken(req, new QueryStringDecoder(url.replaceFirst("^webrtc://[^/]*", "")));
      }
      Session s = publish ? publish(ctx, req, key, sdp) : play(ctx, req, key, sdp);
      out.put("code", 0).put("server", "tally").put("service", "tally").put("pid", String.valueOf(ProcessHandle.current().pid()))
          .put("sdp", s.answer).put("sessionid", s.id);
    } catch (Refused e) {
      out.put("code", e.srsCode).put("server", "tally").put("service", "tally")
          .put("pid", String.valueOf(ProcessHandle.current().pid())).put("msg", e.getMessage());
    }
    HttpResponses.json(ctx, req, HttpResponseStatus.OK, out);
  }

  private Negotiated negotiate(String offer, AnswerContext ctx) throws Refused {
    try {
      return SdpAnswerer.answer(offer, ctx);
    } catch (NegotiationException e) {
      HttpResponseStatus st = e.reason() == NegotiationException.Reason.NO_COMMON_CODEC
          ? HttpResponseStatus.NOT_ACCEPTABLE : HttpResponseStatus.BAD_REQUEST;
      throw new Refused(st, e.reason() == NegotiationException.Reason.MALFORMED_SDP ? ERROR_RTC_SDP_DECODE
          : ERROR_RTC_SDP_EXCHANGE, e.getMessage());
    } catch (RuntimeException e) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_SDP_DECODE, "bad offer: " + e.getMessage());
    }
  }

  private List<CandidateAddress> candidates() throws Refused {
    List<CandidateAddress> c = candidates.get();
    if (c.isEmpty()) {
      throw new Refused(HttpResponseStatus.SERVICE_UNAVAILABLE, 503, "no WebRTC candidates configured");
    }
    return c;
  }

  private studio.tally.proto.sdp.Fingerprint fingerprint() {
    return new studio.tally.proto.sdp.Fingerprint("sha-256", webrtc.localFingerprintSha256());
  }

  private static IceCredentials credentials(studio.tally.server.webrtc.sdp.LocalIceCredentials ice, Negotiated n) {
    return IceCredentials.of(ice, n.remote().iceUfrag(), n.remote().icePwd());
  }

  private static CertificateFingerprint remoteFingerprint(Negotiated n) throws Refused {
    var fp = n.remote().fingerprint();
    try {
      return CertificateFingerprint.of(fp.hashFunction(), fp.fingerprint());
    } catch (RuntimeException e) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_SDP_EXCHANGE, "bad fingerprint: " + e.getMessage());
    }
  }

  private static StreamKey key(String app, String stream) throws Refused {
    if (app == null || stream == null || !StreamKey.isValidSegment(app) || !StreamKey.isValidSegment(stream)) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, ERROR_RTC_INVALID_PARAMS, "app and stream are required ([A-Za-z0-9._~-]+)");
    }
    return new StreamKey(app, stream);
  }

  private static String param(QueryStringDecoder uri, String name, String dflt) {
    List<String> v = uri.parameters().get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? dflt : v.get(0);
  }

  private static String token() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void cors(FullHttpResponse res) {
    res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, DELETE, OPTIONS, PATCH")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Authorization")
        .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Location, Link")
        .set(HttpHeaderNames.SERVER, "Tally");
  }

  /** One {@code Link: <uri>; rel="ice-server"} per configured STUN/TURN server (fresh REST credentials). */
  private void links(FullHttpResponse res) {
    for (String v : iceServers.headerValues(System.currentTimeMillis() / 1000)) {
      res.headers().add("Link", v);
    }
  }

  private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
    var f = ctx.writeAndFlush(res);
    if (!HttpUtil.isKeepAlive(req)) {
      f.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }
  }

  /**
   * For a stream an RTMP bridge feeds with H.264 Main/High: the same source announced as Constrained
   * Baseline 42e01f. Browsers offer Baseline and Main at most (Chromium offers no High), while x264
   * and OBS default to High; the RTMP publisher cannot be asked for another profile. Null otherwise.
   */
  private PlaySource bridgedBaseline(StreamKey key, PlaySource source) {
    boolean bridged = registry.stream(key).map(st -> st.source() != null && !"webrtc".equals(st.source().origin()))
        .orElse(false);
    PlaySource.Track v = source.video();
    if (!bridged || v == null || !v.codec().equalsIgnoreCase("H264")
        || "42e01f".equalsIgnoreCase(v.fmtp().get("profile-level-id"))) {
      return null;
    }
    java.util.Map<String, String> fmtp = new java.util.HashMap<>(v.fmtp());
    fmtp.put("profile-level-id", "42e01f");
    PlaySource.Track baseline = new PlaySource.Track(v.codec(), v.clockRate(), v.channels(), fmtp, v.ssrc(), v.rtxSsrc(),
        v.trackId());
    return new PlaySource(source.streamId(), source.cname(), source.audio(), baseline);
  }
}
