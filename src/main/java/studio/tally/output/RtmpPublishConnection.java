package studio.tally.output;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.rtmp.RtmpClientCodec;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpUserControlEvent;

/**
 * One publishing connection, on its event loop: handshake (any fragmentation), then
 * {@code connect → releaseStream, FCPublish, createStream → publish} until {@code NetStream.Publish.Start},
 * measuring RTT with ping requests; the byte level (handshake, chunks, acknowledgements of the
 * server's window, ping answers) is proto.rtmp's {@link RtmpClientCodec}, shared with the player. Media is
 * written by the {@link RtmpPublisher} through {@link #send}. Reports exactly one end (failure or
 * close) to its {@link Listener}.
 */
final class RtmpPublishConnection extends RtmpClientHandler {
  static final int CHUNK_SIZE = 4096;
  static final String FLASH_VER = "FMLE/3.0 (compatible; Tally)";
  private static final double TXN_CONNECT = 1, TXN_RELEASE = 2, TXN_FCPUBLISH = 3, TXN_CREATE_STREAM = 4;

  /** What the connection tells its publisher; all calls on the event loop. */
  interface Listener {
    void onLive(RtmpPublishConnection c);

    void onWritable(RtmpPublishConnection c);

    void onRtt(RtmpPublishConnection c, double millis);

    /** The connection ended; {@code permanent} when trying again cannot help. */
    void onEnded(RtmpPublishConnection c, String reason, boolean permanent);
  }

  private enum State { HANDSHAKE, CONNECT, CREATE_STREAM, PUBLISH, LIVE, ENDED }

  private final RtmpUrl url;
  private final Listener listener;
  private final TlsTrust tls;
  private final long publishTimeoutMs;
  private final long pingIntervalMs;
  private State state = State.HANDSHAKE;
  private int streamId;
  private long startNanos;
  private ScheduledFuture<?> publishTimer;
  private ScheduledFuture<?> pingTimer;

  RtmpPublishConnection(RtmpUrl url, Listener listener, TlsTrust tls, long publishTimeoutMs, long pingIntervalMs) {
    this.url = url;
    this.listener = listener;
    this.tls = tls;
    this.publishTimeoutMs = publishTimeoutMs;
    this.pingIntervalMs = pingIntervalMs;
  }

  int streamId() {
    return streamId;
  }

  boolean isLive() {
    return state == State.LIVE;
  }

  boolean isWritable() {
    return ctx != null && ctx.channel().isWritable();
  }

  @Override
  public void channelActive(ChannelHandlerContext c) {
    startNanos = System.nanoTime();
    publishTimer = c.executor().schedule(() -> end("the server did not accept the publish within "
        + publishTimeoutMs / 1000 + " s (" + describeState() + ")", false), publishTimeoutMs, TimeUnit.MILLISECONDS);
    startHandshake();
  }

  @Override
  protected boolean ended() {
    return state == State.ENDED;
  }

  @Override
  protected void onHandshakeDone() {
    state = State.CONNECT;
    sendConnect();
  }

  @Override
  protected void onProtocolError(ProtocolException e) {
    end("protocol error " + describeState() + ": " + e.getMessage(), false);
  }

  private void sendConnect() {
    send(RtmpCommands.connect(TXN_CONNECT, url.app(), url.tcUrl(), FLASH_VER, false, ctx.alloc()), false);
    send(new RtmpControlMessage.SetChunkSize(CHUNK_SIZE).toMessage(ctx.alloc()), false);
    codec.setChunkSize(CHUNK_SIZE);
    ctx.flush();
  }

  @Override
  protected void onControl(RtmpControlMessage control) {
    // window acknowledgements and ping answers are the codec's; our own pings measure the RTT
    if (control instanceof RtmpControlMessage.UserControl(RtmpUserControlEvent.PingResponse p)) {
      long now = elapsedMillis() & 0xFFFFFFFFL;
      long rtt = (now - p.timestamp()) & 0xFFFFFFFFL;
      if (rtt < 600_000) listener.onRtt(this, rtt);
    }
  }

  @Override
  protected void onCommand(RtmpCommand cmd) {
    switch (cmd.name()) {
      case RtmpCommands.RESULT -> {
        if (cmd.transactionId() == TXN_CONNECT && state == State.CONNECT) {
          state = State.CREATE_STREAM;
          send(RtmpCommands.releaseStream(TXN_RELEASE, url.streamKey(), ctx.alloc()), false);
          send(RtmpCommands.fcPublish(TXN_FCPUBLISH, url.streamKey(), ctx.alloc()), false);
          send(RtmpCommands.createStream(TXN_CREATE_STREAM, ctx.alloc()), true);
        } else if (cmd.transactionId() == TXN_CREATE_STREAM && state == State.CREATE_STREAM) {
          if (!(cmd.arg(0) instanceof Double id)) {
            end("createStream result without a stream id", false);
            return;
          }
          streamId = id.intValue();
          state = State.PUBLISH;
          send(RtmpCommands.publish(streamId, url.streamKey(), "live", ctx.alloc()), true);
        }
      }
      case RtmpCommands.ERROR -> {
        if (cmd.transactionId() == TXN_CONNECT) {
          end("connect rejected: " + RtmpCommands.describeStatus(cmd), true);
        } else if (cmd.transactionId() == TXN_CREATE_STREAM) {
          end("createStream failed: " + RtmpCommands.describeStatus(cmd), false);
        } // releaseStream / FCPublish errors are harmless (many servers do not know them)
      }
      case RtmpCommands.ON_STATUS -> onStatus(cmd);
      default -> { } // onFCPublish, onBWDone, ...
    }
  }

  private void onStatus(RtmpCommand cmd) {
    String code = RtmpCommands.statusCode(cmd);
    String level = RtmpCommands.statusField(cmd, "level");
    if (RtmpCommands.PUBLISH_START.equals(code)) {
      if (state == State.PUBLISH) {
        state = State.LIVE;
        publishTimer.cancel(false);
        if (pingIntervalMs > 0) {
          pingTimer = ctx.executor().scheduleAtFixedRate(this::ping, 0, pingIntervalMs, TimeUnit.MILLISECONDS);
        }
        listener.onLive(this);
      }
      return;
    }
    if (!RtmpCommands.LEVEL_ERROR.equals(level)) return;
    String description = RtmpCommands.statusField(cmd, "description");
    String text = code + (description == null || description.isEmpty() ? "" : ": " + description);
    boolean busy = description != null && (description.contains("already") || description.contains("try again"));
    boolean rejected = code != null && (code.endsWith(".BadName") || code.endsWith(".Unauthorized")
        || code.endsWith(".Forbidden") || code.endsWith(".Rejected"));
    if (rejected && !busy) {
      end("stream key rejected: " + text, true);
    } else {
      end("publish failed: " + text, false);
    }
  }

  private void ping() {
    if (state == State.LIVE) {
      send(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.PingRequest(elapsedMillis() & 0xFFFFFFFFL))
          .toMessage(ctx.alloc()), true);
    }
  }

  private long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  void flush() {
    if (state != State.ENDED) ctx.flush();
  }

  /** Unpublishes politely and closes. Event loop only. No end is reported. */
  void closeGracefully() {
    if (state == State.ENDED || ctx == null) return;
    if (state == State.LIVE) {
      send(RtmpCommands.fcUnpublish(5, url.streamKey(), ctx.alloc()), false);
      send(RtmpCommands.deleteStream(6, streamId, ctx.alloc()), true);
    }
    state = State.ENDED;
    cancelTimers();
    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> ctx.close());
  }

  private String describeState() {
    return switch (state) {
      case HANDSHAKE -> "during the RTMP handshake";
      case CONNECT -> "waiting for the connect result";
      case CREATE_STREAM -> "waiting for createStream";
      case PUBLISH -> "waiting for NetStream.Publish.Start";
      case LIVE -> "while live";
      case ENDED -> "after the end";
    };
  }

  /** Reports the end once and closes. */
  void end(String reason, boolean permanent) {
    if (state == State.ENDED) return;
    state = State.ENDED;
    cancelTimers();
    if (ctx != null) ctx.close();
    listener.onEnded(this, reason, permanent);
  }

  private void cancelTimers() {
    if (publishTimer != null) publishTimer.cancel(false);
    if (pingTimer != null) pingTimer.cancel(false);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) {
    if (c.channel().isWritable() && state == State.LIVE) listener.onWritable(this);
    c.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext c, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
      end(tlsReason(e.cause()), tls != null && tls.lastFailure() != null);
    }
    c.fireUserEventTriggered(evt);
  }

  private String tlsReason(Throwable cause) {
    String certificate = tls == null ? null : tls.lastFailure();
    if (certificate != null) return certificate;
    return "TLS handshake failed: " + rootMessage(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    end("connection closed by the server " + describeState(), false);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException ssl) {
      end(tlsReason(ssl), tls != null && tls.lastFailure() != null);
    } else if (cause instanceof IOException) {
      end("connection lost " + describeState() + ": " + rootMessage(cause), false);
    } else {
      end("connection error " + describeState() + ": " + rootMessage(cause), false);
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext c) {
    cancelTimers();
    super.handlerRemoved(c);
  }
}
