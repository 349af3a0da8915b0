package studio.tally.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import studio.tally.proto.rtmp.RtmpChunkEncoder;
import studio.tally.proto.rtmp.RtmpClientHandshake;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpHandshakeResult;
import studio.tally.proto.rtmp.RtmpMessage;

/**
 * A light RTMP player: simple handshake, connect, createStream, play; then walks chunk headers and
 * skips media payloads without reassembling them (only small control and command messages are
 * kept). Counts video frames, notes the first keyframe and acknowledges every half window as a
 * player must.
 */
final class RtmpReceiver extends ByteToMessageDecoder {
  private enum State { HANDSHAKE, CHUNK_HEADER, CHUNK_DATA }

  private static final int KEEP_LIMIT = 4096;

  private static final class Cs {
    long timestampField;
    int length;
    int typeId;
    boolean extended;
    int remaining; // of the current message; 0 = next chunk starts a new message
    ByteBuf kept;
    int b0;
    int b1;
    int seen;
  }

  private final String app;
  private final String stream;
  private final String tcUrl;
  private final PlayerStats stats;
  private final RtmpClientHandshake handshake = new RtmpClientHandshake(false);
  private final RtmpChunkEncoder encoder = new RtmpChunkEncoder();
  private final Map<Integer, Cs> streams = new HashMap<>();
  private State state = State.HANDSHAKE;
  private int inChunkSize = 128;
  private long window = 2_500_000;
  private long lastAck;
  private long chunkBytes;
  private Cs current;
  private int chunkLeft;
  private int results;

  RtmpReceiver(String tcUrl, String app, String stream, PlayerStats stats) {
    this.tcUrl = tcUrl;
    this.app = app;
    this.stream = stream;
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.writeAndFlush(handshake.start(ctx.alloc()));
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf b) {
      stats.bytes += b.readableBytes();
    }
    super.channelRead(ctx, msg);
  }

  private void send(ChannelHandlerContext ctx, RtmpMessage m) {
    try {
      ByteBuf out = ctx.alloc().buffer(m.length() + 32);
      encoder.encode(m, out);
      ctx.writeAndFlush(out, ctx.voidPromise());
    } finally {
      m.release();
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (state == State.HANDSHAKE) {
      RtmpHandshakeResult r = handshake.consume(in, ctx.alloc());
      if (r.toWrite() != null) {
        ctx.writeAndFlush(r.toWrite());
      }
      if (!r.done()) {
        return;
      }
      state = State.CHUNK_HEADER;
      send(ctx, RtmpCommands.connect(1, app, tcUrl, "LNX 9,0,124,2", true, ctx.alloc()));
    }
    int start = in.readerIndex();
    try {
      while (in.isReadable()) {
        if (state == State.CHUNK_HEADER) {
          if (!readHeader(ctx, in)) {
            return;
          }
        } else {
          int n = Math.min(chunkLeft, in.readableBytes());
          Cs cs = current;
          if (cs.seen < 2 && n > 0) {
            if (cs.seen == 0) {
              cs.b0 = in.getUnsignedByte(in.readerIndex());
              if (n > 1) {
                cs.b1 = in.getUnsignedByte(in.readerIndex() + 1);
              }
            } else {
              cs.b1 = in.getUnsignedByte(in.readerIndex());
            }
          }
          if (cs.kept != null) {
            cs.kept.writeBytes(in, n);
          } else {
            in.skipBytes(n);
          }
          cs.seen += n;
          cs.remaining -= n;
          chunkLeft -= n;
          if (chunkLeft == 0) {
            state = State.CHUNK_HEADER;
            if (cs.remaining == 0) {
              messageDone(ctx, cs);
            }
          }
        }
      }
    } finally {
      chunkBytes += in.readerIndex() - start;
      if (chunkBytes - lastAck >= window / 2) {
        lastAck = chunkBytes;
        send(ctx, new RtmpControlMessage.Acknowledgement(chunkBytes & 0xFFFFFFFFL).toMessage(ctx.alloc()));
      }
    }
  }

  /** Reads one chunk header if complete (else leaves {@code in} untouched and returns false). */
  private boolean readHeader(ChannelHandlerContext ctx, ByteBuf in) {
    int i = in.readerIndex();
    int avail = in.readableBytes();
    int b = in.getUnsignedByte(i);
    int fmt = b >> 6;
    int csid = b & 0x3F;
    int p = i + 1;
    if (csid == 0) {
      if (avail < 2) return false;
      csid = 64 + in.getUnsignedByte(p);
      p += 1;
    } else if (csid == 1) {
      if (avail < 3) return false;
      csid = 64 + in.getUnsignedByte(p) + (in.getUnsignedByte(p + 1) << 8);
      p += 2;
    }
    int mh = switch (fmt) { case 0 -> 11; case 1 -> 7; case 2 -> 3; default -> 0; };
    if (i + avail < p + mh) return false;
    Cs cs = streams.computeIfAbsent(csid, k -> new Cs());
    if (fmt <= 2) {
      cs.timestampField = in.getUnsignedMedium(p);
      cs.extended = cs.timestampField == 0xFFFFFF;
    }
    if (fmt <= 1) {
      cs.length = in.getUnsignedMedium(p + 3);
      cs.typeId = in.getUnsignedByte(p + 6);
    }
    p += mh;
    if (cs.extended) {
      if (i + avail < p + 4) return false;
      p += 4;
    }
    in.readerIndex(p);
    if (cs.remaining == 0) { // a new message starts
      cs.remaining = cs.length;
      cs.seen = 0;
      cs.b0 = cs.b1 = -1;
      boolean keep = cs.typeId != 8 && cs.typeId != 9 && cs.length <= KEEP_LIMIT;
      if (cs.kept != null) {
        cs.kept.release();
      }
      cs.kept = keep ? in.alloc().heapBuffer(cs.length) : null;
    }
    current = cs;
    chunkLeft = Math.min(inChunkSize, cs.remaining);
    state = State.CHUNK_DATA;
    if (chunkLeft == 0) { // empty message
      state = State.CHUNK_HEADER;
      messageDone(ctx, cs);
    }
    return true;
  }

  private void messageDone(ChannelHandlerContext ctx, Cs cs) {
    switch (cs.typeId) {
      case 9 -> {
        boolean sequenceHeader = (cs.b0 & 0x0F) == 7 && cs.b1 == 0;
        if (!sequenceHeader && cs.length > 0) {
          stats.videoFrames++;
          if (stats.firstKeyframeNanos == 0 && (cs.b0 >> 4) == 1) {
            stats.firstKeyframeNanos = System.nanoTime();
          }
        }
      }
      case 8 -> {
        if (stats.firstMediaNanos == 0) {
          stats.firstMediaNanos = System.nanoTime();
        }
      }
      case 1 -> inChunkSize = cs.kept != null && cs.kept.readableBytes() >= 4 ? cs.kept.getInt(0) & 0x7FFFFFFF : inChunkSize;
      case 5 -> window = cs.kept != null && cs.kept.readableBytes() >= 4 ? cs.kept.getUnsignedInt(0) : window;
      case 20 -> { if (cs.kept != null) onCommand(ctx, cs.kept); }
      default -> { }
    }
    if (cs.kept != null) {
      cs.kept.release();
      cs.kept = null;
    }
  }

  private void onCommand(ChannelHandlerContext ctx, ByteBuf body) {
    // AMF0 string marker 0x02, u16 length, name
    if (body.readableBytes() < 3 || body.getByte(0) != 0x02) {
      return;
    }
    int len = body.getUnsignedShort(1);
    String name = body.toString(3, Math.min(len, body.readableBytes() - 3), StandardCharsets.US_ASCII);
    if (name.equals("_result")) {
      results++;
      if (results == 1) {
        send(ctx, new RtmpControlMessage.WindowAcknowledgementSize(5_000_000).toMessage(ctx.alloc()));
        send(ctx, RtmpCommands.createStream(2, ctx.alloc()));
      } else if (results == 2) {
        send(ctx, RtmpCommands.play(1, stream, -2, ctx.alloc()));
      }
    } else if (name.equals("_error")) {
      stats.error = "RTMP _error";
      ctx.close();
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    for (Cs cs : streams.values()) {
      if (cs.kept != null) {
        cs.kept.release();
        cs.kept = null;
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stats.closed = true;
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    stats.error = cause.toString();
    ctx.close();
  }
}
