package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.stun.Rfc4571Framer;
import studio.tally.proto.stun.StunException;

/**
 * WebRTC over TCP (RFC 6544 passive candidate, RFC 4571 framing), installed by the sniffer when a
 * connection opens with a framed STUN Binding request. Each frame goes to
 * {@link WebRtcTransportServer#onPacket} with this connection as its path. A frame above the limit
 * closes the connection (the stream cannot be resynchronised); the connection closing tells the
 * transport its path is gone. A connection that no valid check binds to a transport within the consent
 * timeout is closed (a framed check with a wrong username must not hold a socket forever); when its
 * transport closes, the server closes it too.
 */
final class RtcTcpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RtcTcpHandler.class);

  private final WebRtcTransportServer server;
  private final Rfc4571Framer framer;
  private final Duration bindTimeout;
  private RtcPath.Tcp path;
  private ScheduledFuture<?> bindTimer;

  /** @param bindTimeout a connection that no valid check binds to a transport within this is closed */
  RtcTcpHandler(WebRtcTransportServer server, int maxFrame, Duration bindTimeout) {
    this.server = server;
    this.framer = new Rfc4571Framer(maxFrame);
    this.bindTimeout = bindTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    path = new RtcPath.Tcp(ctx.channel());
    bindTimer = ctx.executor().schedule(() -> {
      if (ctx.channel().isActive() && !server.isBound(path)) {
        server.counters().tcpUnbound.increment();
        log.debug("{}: webrtc tcp: no valid ICE check within {} ms, closing", ctx.channel().remoteAddress(),
            bindTimeout.toMillis());
        ctx.close();
      }
    }, bindTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    List<ByteBuf> frames = new ArrayList<>(4);
    StunException failure = null;
    try {
      if (ctx.channel().isActive()) {
        framer.decode(in, frames);
      }
    } catch (StunException e) {
      failure = e;
    } finally {
      in.release();
    }
    for (ByteBuf frame : frames) {
      try {
        server.onPacket(frame, path);
      } finally {
        frame.release();
      }
    }
    if (failure != null) {
      server.counters().tcpOversizedFrame.increment();
      log.info("{}: webrtc tcp: {}, closing", ctx.channel().remoteAddress(), failure.getMessage());
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    bindTimer.cancel(false);
    framer.close();
    server.onTcpClosed(path);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: webrtc tcp: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
