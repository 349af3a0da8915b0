package studio.tally.server.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.ByteCumulation;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.rtmp.RtmpAcknowledgements;
import studio.tally.proto.rtmp.RtmpChunkDecoder;
import studio.tally.proto.rtmp.RtmpChunkEncoder;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpHandshakeResult;
import studio.tally.proto.rtmp.RtmpLimits;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpServerHandshake;
import studio.tally.server.hub.StreamHub;

/**
 * The RTMP handler: handshake, then chunk decoding into messages for the {@link RtmpServerSession},
 * and chunk encoding of what the session sends. Tolerates any fragmentation; a protocol error closes
 * the connection with one log line. Everything runs on the connection's event loop.
 */
final class RtmpConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RtmpConnection.class);
  static final long HANDSHAKE_TIMEOUT_MS = 10_000;
  static final int OUT_CHUNK_SIZE = 4096;

  private final StreamHub hub;
  private final String publishToken;
  private final boolean tls;
  private final RtmpServerHandshake handshake = new RtmpServerHandshake();
  private final RtmpChunkEncoder encoder = new RtmpChunkEncoder();
  private RtmpChunkDecoder decoder;
  private final ByteCumulation inbound = new ByteCumulation();
  private ChannelHandlerContext ctx;
  private RtmpServerSession session;
  private ScheduledFuture<?> watchdog;
  private final long connectedAt = System.nanoTime();
  private long lastReadAt = connectedAt;
  private final RtmpAcknowledgements acks = new RtmpAcknowledgements();
  private boolean failed;

  /**
   * A connection must be publishing or playing this long after it connected, and a publisher that
   * sends nothing this long is gone (nginx-rtmp's {@code timeout} is 60 s; encoders send constantly).
   * Players may be silent: they only acknowledge.
   */
  private final long idleTimeoutMs;

  RtmpConnection(StreamHub hub, String publishToken, boolean tls, long idleTimeoutMs) {
    this.idleTimeoutMs = idleTimeoutMs;
    this.hub = hub;
    this.publishToken = publishToken;
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    this.ctx = c;
    this.decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, c.alloc());
    String ip = c.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "";
    this.session = new RtmpServerSession(this, hub, publishToken, tls, ip);
    watchdog = c.executor().scheduleAtFixedRate(this::checkIdle, 1, 1, TimeUnit.SECONDS);
  }

  /** Once a second on the loop: silent or stuck connections are closed; players may be silent. */
  private void checkIdle() {
    if (!ctx.channel().isActive() || failed) {
      return;
    }
    long now = System.nanoTime();
    long sinceStart = (now - connectedAt) / 1_000_000;
    long sinceRead = (now - lastReadAt) / 1_000_000;
    if (!handshake.isDone()) {
      long limit = Math.min(HANDSHAKE_TIMEOUT_MS, idleTimeoutMs);
      if (sinceStart >= limit) {
        fail("handshake not complete within " + limit + " ms");
      }
    } else if (session.isSettingUp() && sinceStart >= idleTimeoutMs) {
      fail("neither publishing nor playing " + idleTimeoutMs + " ms after connecting");
    } else if (session.isPublishing() && sinceRead >= idleTimeoutMs) {
      fail("publisher sent nothing for " + idleTimeoutMs + " ms");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    if (!(msg instanceof ByteBuf in) || failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    lastReadAt = System.nanoTime();
    ByteBuf cumulation = inbound.add(in);
    List<RtmpMessage> messages = new ArrayList<>();
    try {
      if (!handshake.isDone()) {
        RtmpHandshakeResult r = handshake.consume(cumulation, c.alloc());
        if (r.toWrite() != null) {
          c.writeAndFlush(r.toWrite());
        }
        if (!r.done()) {
          return;
        }
      }
      decoder.decode(cumulation, messages);
      maybeAcknowledge();
      for (int i = 0; i < messages.size(); i++) {
        RtmpMessage m = messages.get(i);
        messages.set(i, null);
        session.onMessage(m); // the session owns m from here
        if (failed) {
          break;
        }
      }
    } catch (ProtocolException e) {
      fail(e.getMessage());
    } finally {
      for (RtmpMessage m : messages) {
        if (m != null) {
          m.release();
        }
      }
      inbound.compact();
    }
  }


  /** Acknowledgement after every window of bytes, as the peer asked with Window Acknowledgement Size. */
  private void maybeAcknowledge() {
    RtmpControlMessage.Acknowledgement ack = acks.due(decoder.bytesRead());
    if (ack != null) {
      send(ack.toMessage(ctx.alloc()), false);
    }
  }

  void peerWindow(long window) {
    acks.window(window);
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  RtmpChunkEncoder encoder() {
    return encoder;
  }

  /** Encodes and writes {@code m} (releasing it); flushes when asked. */
  void send(RtmpMessage m, boolean flush) {
    try {
      CompositeByteBuf out = encoder.encodeShared(m, ctx.alloc());
      if (flush) {
        ctx.writeAndFlush(out, ctx.voidPromise());
      } else {
        ctx.write(out, ctx.voidPromise());
      }
    } finally {
      m.release();
    }
  }

  void setOutChunkSize(int size) {
    send(new RtmpControlMessage.SetChunkSize(size).toMessage(ctx.alloc()), false);
    encoder.setChunkSize(size);
  }

  /** Closes after what was written has gone out. */
  void closeAfterFlush() {
    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /** A protocol error: one log line, close. */
  void fail(String reason) {
    if (failed) {
      return;
    }
    failed = true;
    log.info("rtmp {} from {}: {}, closing", session.describe(), ctx.channel().remoteAddress(), reason);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) throws Exception {
    session.closed();
    super.channelInactive(c);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext c) {
    if (watchdog != null) {
      watchdog.cancel(false);
    }
    inbound.close();
    decoder.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    if (cause instanceof ProtocolException) {
      fail(cause.getMessage());
    } else {
      log.debug("rtmp {}: {}", c.channel().remoteAddress(), cause.toString());
      c.close();
    }
  }
}
