package studio.tally.output;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.rtmp.RtmpClientCodec;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpLimits;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpMessageType;

/**
 * The Netty side of an RTMP client connection, shared by the publisher and the player: bytes in
 * through {@link RtmpClientCodec} (handshake in any fragmentation, chunks, window acknowledgements,
 * ping answers), its replies written and flushed once per read, then each message handed on as a
 * control message, a command or media. Subclasses keep their own command flow (publish or play) and
 * their end; every message is released here, also when a subclass ends the connection halfway
 * through a read. Event loop only.
 */
public abstract class RtmpClientHandler extends ChannelInboundHandlerAdapter {
  private final Amf0Decoder amf = new Amf0Decoder();
  protected ChannelHandlerContext ctx;
  protected RtmpClientCodec codec;

  /** True once the connection has ended: nothing more is read or sent. */
  protected abstract boolean ended();

  /** The handshake is done: send {@code connect}. */
  protected abstract void onHandshakeDone();

  protected abstract void onControl(RtmpControlMessage control);

  protected abstract void onCommand(RtmpCommand command);

  /** Audio or video from the server; the payload is released after this returns. */
  protected void onMedia(RtmpMessage media) {}

  /** The server sent bytes that are not RTMP. */
  protected abstract void onProtocolError(ProtocolException e);

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    ctx = c;
    codec = new RtmpClientCodec(RtmpLimits.DEFAULT, c.alloc());
  }

  /** Sends C0 C1 (with TLS the SslHandler holds it until its handshake is done). */
  protected final void startHandshake() {
    ctx.writeAndFlush(codec.start());
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    if (!(msg instanceof ByteBuf in) || ended()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    List<ByteBuf> toWrite = new ArrayList<>();
    List<RtmpMessage> messages = new ArrayList<>();
    try {
      boolean handshakeDone = codec.read(in, toWrite, messages);
      if (!toWrite.isEmpty()) {
        toWrite.forEach(b -> c.write(b, c.voidPromise()));
        c.flush();
      }
      if (handshakeDone) onHandshakeDone();
      for (int i = 0; i < messages.size() && !ended(); i++) {
        RtmpMessage m = messages.get(i);
        messages.set(i, null);
        try {
          dispatch(m);
        } finally {
          m.release();
        }
      }
    } catch (ProtocolException e) {
      onProtocolError(e);
    } finally {
      for (RtmpMessage m : messages) if (m != null) m.release();
    }
  }

  private void dispatch(RtmpMessage m) {
    int type = m.typeId();
    if (RtmpControlMessage.isControl(type)) {
      onControl(RtmpControlMessage.decode(m));
    } else if (type == RtmpMessageType.AMF0_COMMAND || type == RtmpMessageType.AMF3_COMMAND) {
      onCommand(RtmpCommand.decode(m, amf));
    } else if (type == RtmpMessageType.AUDIO || type == RtmpMessageType.VIDEO) {
      onMedia(m);
    } // data messages (onMetaData, |RtmpSampleAccess): not needed by either side
  }

  /** Encodes and writes {@code m} (releasing it); dropped once ended. Event loop only. */
  protected final void send(RtmpMessage m, boolean flush) {
    if (ended()) {
      m.release();
      return;
    }
    CompositeByteBuf out = codec.encode(m);
    if (flush) ctx.writeAndFlush(out, ctx.voidPromise());
    else ctx.write(out, ctx.voidPromise());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext c) {
    if (codec != null) codec.close();
  }
}
