package studio.tally.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slowloris guard: a request must be complete within the request timeout from its first byte; an
 * idle keep-alive connection is closed after the keep-alive timeout. Streaming responses call
 * {@link #streaming} to lift the deadline for good.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);
  private final HttpLimits limits;
  private ScheduledFuture<?> timer;
  private boolean inRequest;
  private boolean streaming;

  RequestDeadline(HttpLimits limits) {
    this.limits = limits;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    arm(ctx, true); // the sniffer saw the first bytes of a request already
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest && !inRequest) {
      arm(ctx, true);
    }
    if (msg instanceof LastHttpContent) {
      inRequest = false;
      cancel();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) throws Exception {
    if (!inRequest && !streaming && timer == null) {
      arm(ctx, false);
    }
    ctx.flush();
  }

  void streaming() {
    streaming = true;
    cancel();
  }

  private void arm(ChannelHandlerContext ctx, boolean request) {
    cancel();
    inRequest = request;
    long ms = (request ? limits.requestTimeout() : limits.keepAliveTimeout()).toMillis();
    timer = ctx.executor().schedule(() -> {
      timer = null;
      if (!ctx.channel().isActive() || streaming) {
        return;
      }
      if (inRequest) {
        log.info("{}: request not complete within {} ms, closing (408)", ctx.channel().remoteAddress(), ms);
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
            Unpooled.copiedBuffer("request not complete in time\n", StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.close();
      }
    }, ms, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }
}
