package studio.tally.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The player pages under {@code /players/} and the call page at {@code /call/}, from the classpath
 * ({@code studio/tally/server/web/}).
 */
final class StaticPages {
  private static final String ROOT = "/studio/tally/server/web/";
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private StaticPages() {}

  static void serve(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      HttpResponses.text(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "pages take GET");
      return;
    }
    String name = path.substring("/players/".length());
    if (!name.matches("[a-z0-9_-]+\\.(html|js|css)")) {
      HttpResponses.text(ctx, req, HttpResponseStatus.NOT_FOUND, "not found: " + path);
      return;
    }
    send(ctx, req, path, name);
  }

  /** The browser call page, one self-contained file: {@code /call/} or {@code /call/<room>} (or {@code ?room=}). */
  static void serveCallPage(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      HttpResponses.text(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "pages take GET");
      return;
    }
    String rest = path.length() <= "/call/".length() ? "" : path.substring("/call/".length());
    if (!rest.isEmpty() && !rest.matches("[A-Za-z0-9_][A-Za-z0-9_.~%-]{0,191}/?")) {
      HttpResponses.text(ctx, req, HttpResponseStatus.NOT_FOUND, "not found: " + path + " (the call page is /call/<room>)");
      return;
    }
    send(ctx, req, path, "call.html");
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, String path, String name) {
    byte[] body = CACHE.computeIfAbsent(name, n -> {
      try (InputStream in = StaticPages.class.getResourceAsStream(ROOT + n)) {
        return in == null ? new byte[0] : in.readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
    if (body.length == 0) {
      HttpResponses.text(ctx, req, HttpResponseStatus.NOT_FOUND, "not found: " + path);
      return;
    }
    String type = name.endsWith(".html") ? "text/html; charset=utf-8"
        : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    HttpResponses.send(ctx, req, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body), type);
  }
}
