package studio.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.webrtc.sfu.RtcStream;
import studio.tally.server.webrtc.sfu.RtcStreamRegistry;

/**
 * SRS-compatible status API: versions, summaries, streams and clients, with or without a
 * trailing slash; {@code DELETE /api/v1/clients/{id}} kicks. Every answer carries {@code code,
 * server, service, pid}; errors are 4xx with an SRS error code and a message. WebRTC streams (WHIP
 * publishers and their WHEP players) are listed beside the RTMP/FLV ones, with the same fields.
 */
final class ApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);
  static final int ERROR_STREAM_NOT_FOUND = 2048;
  static final int ERROR_CLIENT_NOT_FOUND = 2049;
  static final int ERROR_NOT_FOUND = 1062;
  static final int ERROR_METHOD = 1063;

  private final StreamHub hub;
  private final ServerStatus status;
  private final RtcStreamRegistry rtc;
  private final String pid = Long.toString(ProcessHandle.current().pid());

  /** @param rtc the WebRTC streams, or null without WebRTC */
  ApiRoutes(StreamHub hub, ServerStatus status, RtcStreamRegistry rtc) {
    this.hub = hub;
    this.status = status;
    this.rtc = rtc;
  }

  void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
    String path = uri.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String[] seg = path.substring(1).split("/");
    // seg: api, v1, resource[, id]
    if (seg.length < 3 || seg.length > 4 || !seg[1].equals("v1")) {
      error(ctx, req, HttpResponseStatus.NOT_FOUND, ERROR_NOT_FOUND, "no such API: " + uri.path());
      return;
    }
    String resource = seg[2];
    String id = seg.length == 4 ? seg[3] : null;
    boolean get = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    if (req.method() == HttpMethod.OPTIONS) {
      HttpResponses.text(ctx, req, HttpResponseStatus.OK, "");
      return;
    }
    switch (resource) {
      case "versions" -> { // POST too: SRS answers any method here, and some clients probe with POST
        if (requireGet(ctx, req, get || req.method() == HttpMethod.POST, id)) {
          ObjectNode root = envelope();
          String[] v = status.version().replaceAll("[^0-9.].*$", "").split("\\.");
          root.putObject("data").put("major", intAt(v, 0)).put("minor", intAt(v, 1)).put("revision", intAt(v, 2))
              .put("version", status.version());
          HttpResponses.json(ctx, req, HttpResponseStatus.OK, root);
        }
      }
      case "summaries" -> {
        if (requireGet(ctx, req, get, id)) {
          summaries(ctx, req);
        }
      }
      case "streams" -> streams(ctx, req, get, id);
      case "clients" -> clients(ctx, req, get, id);
      default -> error(ctx, req, HttpResponseStatus.NOT_FOUND, ERROR_NOT_FOUND, "no such API: " + uri.path());
    }
  }

  private boolean requireGet(ChannelHandlerContext ctx, FullHttpRequest req, boolean get, String id) {
    if (id != null) {
      error(ctx, req, HttpResponseStatus.NOT_FOUND, ERROR_NOT_FOUND, "no such API: " + req.uri());
      return false;
    }
    if (!get) {
      error(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, ERROR_METHOD, req.method() + " not allowed here");
      return false;
    }
    return true;
  }

  private void summaries(ChannelHandlerContext ctx, FullHttpRequest req) {
    ObjectNode root = envelope();
    ObjectNode data = root.putObject("data");
    data.put("ok", true).put("now_ms", System.currentTimeMillis());
    Runtime rt = Runtime.getRuntime();
    var os = ManagementFactory.getOperatingSystemMXBean();
    long uptimeSec = Duration.between(status.startedAt(), hub.clock().instant()).toSeconds();
    ObjectNode self = data.putObject("self");
    self.put("version", status.version()).put("pid", Long.parseLong(pid))
        .put("ppid", ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L))
        .put("argv", ProcessHandle.current().info().commandLine().orElse(""))
        .put("cwd", System.getProperty("user.dir"))
        .put("mem_kbyte", (rt.totalMemory() - rt.freeMemory()) / 1024)
        .put("mem_percent", 0.0)
        .put("cpu_percent", os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad() * 100 : 0)
        .put("srs_uptime", uptimeSec);
    ObjectNode system = data.putObject("system");
    system.put("cpus", rt.availableProcessors()).put("cpus_online", rt.availableProcessors())
        .put("load_1m", os.getSystemLoadAverage())
        .put("conn_srs", hub.clients().size())
        .put("streams", listedHubStreams().count() + (rtc == null ? 0 : rtc.streams().size()));
    ObjectNode tally = data.putObject("tally");
    for (Map.Entry<String, Long> e : status.counters().entrySet()) {
      tally.put(e.getKey(), e.getValue());
    }
    HttpResponses.json(ctx, req, HttpResponseStatus.OK, root);
  }

  /**
   * The hub's streams less those a WebRTC publisher feeds: such a stream is listed once, from the SFU
   * (its codecs as negotiated); the FLV side the bridge keeps in the hub for FLV/RTMP players is the
   * same stream, not a second one.
   */
  private java.util.stream.Stream<LiveStream> listedHubStreams() {
    return hub.streams().stream()
        .filter(s -> rtc == null || s.publisher() == null || s.publisher().type() != Client.Type.RTC_PUBLISH);
  }

  private void streams(ChannelHandlerContext ctx, FullHttpRequest req, boolean get, String id) {
    if (!get) {
      error(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, ERROR_METHOD, req.method() + " not allowed on streams");
      return;
    }
    long now = System.nanoTime();
    if (id == null) {
      ObjectNode root = envelope();
      ArrayNode list = root.putArray("streams");
      listedHubStreams().sorted(Comparator.comparing(LiveStream::createdAt))
          .forEach(s -> list.add(StreamJson.stream(s, hub, now)));
      if (rtc != null) {
        rtc.streams().stream().sorted(Comparator.comparing(RtcStream::createdAt))
            .forEach(s -> list.add(StreamJson.rtcStream(s, hub, now)));
      }
      HttpResponses.json(ctx, req, HttpResponseStatus.OK, root);
      return;
    }
    var found = hub.streamById(id).map(s -> StreamJson.stream(s, hub, now))
        .or(() -> rtc == null ? Optional.empty() : rtc.streamById(id).map(s -> StreamJson.rtcStream(s, hub, now)));
    found.ifPresentOrElse(s -> {
      ObjectNode root = envelope();
      root.set("stream", s);
      HttpResponses.json(ctx, req, HttpResponseStatus.OK, root);
    }, () -> error(ctx, req, HttpResponseStatus.NOT_FOUND, ERROR_STREAM_NOT_FOUND, "no stream with id " + id));
  }

  private void clients(ChannelHandlerContext ctx, FullHttpRequest req, boolean get, String id) {
    long now = System.nanoTime();
    if (id == null) {
      if (!get) {
        error(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, ERROR_METHOD, req.method() + " not allowed on clients");
        return;
      }
      ObjectNode root = envelope();
      ArrayNode list = root.putArray("clients");
      hub.clients().stream().sorted(Comparator.comparing(Client::connectedAt))
          .forEach(c -> list.add(StreamJson.client(c, hub, rtc, now)));
      HttpResponses.json(ctx, req, HttpResponseStatus.OK, root);
      return;
    }
    var found = hub.client(id);
    if (found.isEmpty()) {
      error(ctx, req, HttpResponseStatus.NOT_FOUND, ERROR_CLIENT_NOT_FOUND, "no client with id " + id);
      return;
    }
    Client c = found.get();
    if (req.method() == HttpMethod.DELETE) {
      log.info("API: kicking client {} ({} {})", c.id(), c.type().srsName, c.stream());
      c.kick("kicked through the API");
      HttpResponses.json(ctx, req, HttpResponseStatus.OK, envelope());
    } else if (get) {
      ObjectNode root = envelope();
      root.set("client", StreamJson.client(c, hub, rtc, now));
      HttpResponses.json(ctx, req, HttpResponseStatus.OK, root);
    } else {
      error(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, ERROR_METHOD, req.method() + " not allowed on a client");
    }
  }

  private ObjectNode envelope() {
    ObjectNode root = HttpResponses.JSON.createObjectNode();
    root.put("code", 0).put("server", status.serverId()).put("service", status.serviceId()).put("pid", pid);
    return root;
  }

  private void error(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus http, int code, String message) {
    log.info("{}: {} {} -> {} {}", ctx.channel().remoteAddress(), req.method(), HttpRouter.abbreviate(req.uri()),
        http.code(), message);
    ObjectNode root = envelope();
    root.put("code", code).put("message", message);
    HttpResponses.json(ctx, req, http, root);
  }

  private static int intAt(String[] v, int i) {
    try {
      return i < v.length ? Integer.parseInt(v[i]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
