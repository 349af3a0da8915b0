package studio.tally.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Small, complete HTTP responses: JSON documents and one-line text errors, CORS-open like SRS. */
final class HttpResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private HttpResponses() {}

  static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    send(ctx, req, status, Unpooled.wrappedBuffer(bytes), "application/json");
  }

  /** A one-line plain-text answer; 4xx/5xx close the connection afterwards. */
  static void text(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String message) {
    send(ctx, req, status, Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  static void send(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, ByteBuf body, String type) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.SERVER, "Tally")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    boolean keepAlive = req != null && HttpUtil.isKeepAlive(req) && status.code() < 400;
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
