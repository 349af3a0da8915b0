package studio.tally.server.signaling;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingError;

/**
 * Thin WebSocket handler: text frames to the {@link SignalingSession}, pings answered, our own pings
 * sent every interval; an idle reader (no pong, nothing) means a dead peer, so the socket is closed and
 * its member's {@code leave} goes out.
 */
final class SignalingHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(SignalingHandler.class);

  private final SignalingSession session;
  private final SignalingSettings settings;
  private final Runnable onClosed;
  private ScheduledFuture<?> pinger;
  private boolean closedOnce;

  SignalingHandler(SignalingSession session, SignalingSettings settings, Runnable onClosed) {
    this.session = session;
    this.settings = settings;
    this.onClosed = onClosed;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    long ms = settings.pingInterval().toMillis();
    pinger = ctx.executor().scheduleAtFixedRate(() -> {
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    switch (frame) {
      case TextWebSocketFrame t -> session.onText(t.text());
      case PingWebSocketFrame p -> ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()), ctx.voidPromise());
      case PongWebSocketFrame p -> { } // its arrival already reset the idle timer
      case CloseWebSocketFrame c -> ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
      case BinaryWebSocketFrame b -> session.send(new ServerMessage.ErrorReply(null, SignalingError.BAD_REQUEST,
          "signaling takes text frames, not binary"));
      default -> { }
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      log.info("{}: signaling socket silent for {} ms (no pong), closing it as dead", ctx.channel().remoteAddress(),
          settings.deadAfter().toMillis());
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    closed();
  }

  private void closed() {
    if (pinger != null) {
      pinger.cancel(false);
    }
    if (!closedOnce) {
      closedOnce = true;
      session.onClosed();
      onClosed.run();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    boolean tooBig = cause instanceof TooLongFrameException
        || (cause instanceof CorruptedWebSocketFrameException c && c.closeStatus() != null
            && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
    if (tooBig) {
      log.info("{}: signaling message over {} bytes, closing", ctx.channel().remoteAddress(), settings.messageLimit());
      session.close(SignalingError.MESSAGE_TOO_LARGE, "message larger than " + settings.messageLimit() + " bytes");
    } else if (cause instanceof CorruptedWebSocketFrameException) {
      log.info("{}: bad WebSocket frame: {}", ctx.channel().remoteAddress(), cause.getMessage());
      session.close(SignalingError.BAD_REQUEST, "bad WebSocket frame: " + cause.getMessage());
    } else {
      log.info("{}: signaling socket error: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
