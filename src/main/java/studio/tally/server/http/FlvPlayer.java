package studio.tally.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.MediaTag;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.hub.Subscriber;
import studio.tally.server.hub.TagRun;

/**
 * An HTTP-FLV player once its response header is out: the HTTP codec is gone from the pipeline and
 * each tag is the stream's shared FLV buffer, written as is.
 */
final class FlvPlayer extends ChannelInboundHandlerAdapter implements Subscriber {
  private static final Logger log = LoggerFactory.getLogger(FlvPlayer.class);

  private ChannelHandlerContext ctx;
  private final StreamHub hub;
  private final Client client;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile LiveStream stream;

  private final EventExecutor executor;

  FlvPlayer(EventExecutor executor, StreamHub hub, Client client) {
    this.executor = executor;
    this.hub = hub;
    this.client = client;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    this.ctx = c;
  }

  void attached(LiveStream s) {
    this.stream = s;
  }

  @Override
  public EventExecutor executor() {
    return executor;
  }

  @Override
  public long pendingBytes() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  @Override
  public void write(MediaTag tag) {
    ByteBuf flv = tag.flv();
    counted(flv.readableBytes());
    ctx.write(flv.retainedDuplicate(), ctx.voidPromise());
  }

  /** The tags of one drain as one buffer: one outbound entry per batch, not one per tag. */
  @Override
  public void write(TagRun run, int from, int to) {
    if (to - from == 1) {
      write(run.tag(from));
      return;
    }
    ByteBuf flv = run.flv(from, to);
    counted(flv.readableBytes());
    ctx.write(flv, ctx.voidPromise());
  }

  private void counted(int n) {
    client.sendBytes.add(n);
    LiveStream s = stream;
    if (s != null) {
      s.counters().sendBytes.add(n);
    }
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public void end(EndReason reason) {
    if (ended.compareAndSet(false, true)) {
      log.info("flv player {} of {}: ended, {}", client.id(), client.stream(), reason.description);
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    ReferenceCountUtil.release(msg); // a player has nothing more to say
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) throws Exception {
    hub.unregister(client);
    LiveStream s = stream;
    if (s != null && ended.compareAndSet(false, true)) {
      s.unsubscribe(this, EndReason.KICKED);
      log.info("flv player {} of {}: disconnected", client.id(), client.stream());
    }
    super.channelInactive(c);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    log.debug("flv player {}: {}", client.id(), cause.toString());
    c.close();
  }
}
