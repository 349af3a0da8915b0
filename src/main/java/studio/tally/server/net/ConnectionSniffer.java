package studio.tally.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every accepted connection: waits (on the connection's event loop, never the
 * accept path) for enough bytes to tell the protocol, installs that protocol's pipeline and removes
 * itself, handing over the bytes read so far. TLS gets an {@link SslHandler} and a fresh sniffer
 * behind it. Unknown bytes, or nothing within the timeout, close the connection and are counted.
 */
public final class ConnectionSniffer extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(ConnectionSniffer.class);

  private final ProtocolHandlers handlers;
  private final LazySslContext ssl;
  private final Duration timeout;
  private final SniffStats stats;
  private final boolean insideTls;
  private final ProtocolSniffer sniffer;
  private ScheduledFuture<?> timer;
  private boolean waitingForTls;

  public ConnectionSniffer(ProtocolHandlers handlers, LazySslContext ssl, Duration timeout, SniffStats stats) {
    this(handlers, ssl, timeout, stats, false);
  }

  private ConnectionSniffer(ProtocolHandlers handlers, LazySslContext ssl, Duration timeout, SniffStats stats, boolean insideTls) {
    this.handlers = handlers;
    this.ssl = ssl;
    this.timeout = timeout;
    this.stats = stats;
    this.insideTls = insideTls;
    Set<Protocol> accepted = EnumSet.noneOf(Protocol.class);
    for (Protocol p : Protocol.values()) {
      if (p == Protocol.TLS ? ssl != null && !insideTls : handlers.supports(p)) {
        accepted.add(p);
      }
    }
    this.sniffer = new ProtocolSniffer(accepted);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (!insideTls) { // inside TLS the timer starts when the handshake completes
      armTimer(ctx);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        armTimer(ctx);
      } else {
        stats.tlsFailed.increment();
        log.info("{}: TLS handshake failed: {}", ctx.channel().remoteAddress(), rootMessage(done.cause()));
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  private void armTimer(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer = ctx.executor().schedule(() -> {
        if (ctx.channel().isActive() && ctx.pipeline().context(this) != null) {
          stats.timedOut.increment();
          log.debug("{}: nothing recognisable within {} ms, closing", ctx.channel().remoteAddress(), timeout.toMillis());
          ctx.close();
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!ctx.channel().isActive()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (waitingForTls) { // the bytes stay buffered until the TLS handler is in place
      return;
    }
    switch (sniffer.classify(in)) {
      case SniffResult.NeedMore ignored -> { }
      case SniffResult.Reject(String reason) -> {
        stats.rejected.increment();
        log.info("{}: {}, closing", ctx.channel().remoteAddress(), reason);
        in.skipBytes(in.readableBytes());
        ctx.close();
      }
      case SniffResult.Match(Protocol p) -> {
        cancelTimer();
        stats.matched(p);
        if (p == Protocol.TLS) {
          CompletableFuture<SSLContext> context = ssl.get();
          if (context.isDone() && !context.isCompletedExceptionally()) {
            startTls(ctx, context.join());
          } else { // the first TLS client: pause reads until the context is built off this loop
            waitingForTls = true;
            ctx.channel().config().setAutoRead(false);
            context.whenCompleteAsync((built, failure) -> {
              if (!ctx.channel().isActive() || ctx.pipeline().context(this) == null) {
                return;
              }
              if (failure != null) {
                stats.tlsFailed.increment();
                log.warn("{}: TLS is not available: {}", ctx.channel().remoteAddress(), rootMessage(failure));
                ctx.close();
                return;
              }
              startTls(ctx, built);
              ctx.channel().config().setAutoRead(true);
            }, ctx.executor());
          }
          return;
        }
        handlers.install(p, ctx.pipeline(), insideTls);
        ctx.pipeline().remove(this); // hands the buffered bytes to what was just installed
      }
    }
  }

  private void startTls(ChannelHandlerContext ctx, SSLContext context) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    SslHandler tls = new SslHandler(engine);
    tls.setHandshakeTimeoutMillis(timeout.toMillis());
    ctx.pipeline().addLast("tls", tls);
    ctx.pipeline().addLast("sniff-tls", new ConnectionSniffer(handlers, ssl, timeout, stats, true));
    ctx.pipeline().remove(this); // hands the buffered bytes to the TLS handler
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: {}", ctx.channel().remoteAddress(), rootMessage(cause));
    ctx.close();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

}
