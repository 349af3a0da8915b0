package studio.tally.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A light HTTP-FLV player: sends the GET, skips the response header and the FLV header, then walks
 * the tag headers (11 bytes) and skips the bodies without copying, counting video frames and noting
 * the first keyframe.
 */
final class FlvReceiver extends ByteToMessageDecoder {
  private enum State { HTTP, FLV_HEADER, TAG_HEADER, TAG_BODY }

  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

  private final String path;
  private final String host;
  private final PlayerStats stats;
  private State state = State.HTTP;
  private int type;
  private int b0;
  private int b1;
  private long remaining;
  private long timestamp;

  FlvReceiver(String host, String path, PlayerStats stats) {
    this.host = host;
    this.path = path;
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: tally-bench\r\nAccept: */*\r\n\r\n";
    ctx.writeAndFlush(Unpooled.copiedBuffer(req, StandardCharsets.US_ASCII));
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf b) {
      stats.bytes += b.readableBytes();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      switch (state) {
        case HTTP -> {
          int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(CRLFCRLF), in);
          if (end < 0) {
            return;
          }
          String status = in.toString(in.readerIndex(), Math.min(12, end - in.readerIndex()), StandardCharsets.US_ASCII);
          if (!status.endsWith(" 200")) {
            stats.error = "HTTP status: " + status;
            ctx.close();
            in.skipBytes(in.readableBytes());
            return;
          }
          in.readerIndex(end + 4);
          stats.firstMediaNanos = System.nanoTime();
          state = State.FLV_HEADER;
        }
        case FLV_HEADER -> {
          if (in.readableBytes() < 13) {
            return;
          }
          in.skipBytes(13);
          state = State.TAG_HEADER;
        }
        case TAG_HEADER -> {
          if (in.readableBytes() < 13) { // header + the two body bytes a video tag is judged by
            return;
          }
          int i = in.readerIndex();
          type = in.getByte(i) & 0x1F;
          remaining = in.getUnsignedMedium(i + 1) + 4L;
          timestamp = in.getUnsignedMedium(i + 4) | (long) in.getUnsignedByte(i + 7) << 24;
          b0 = in.getUnsignedByte(i + 11);
          b1 = in.getUnsignedByte(i + 12);
          in.skipBytes(11);
          state = State.TAG_BODY;
        }
        case TAG_BODY -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          in.skipBytes(n);
          remaining -= n;
          if (remaining == 0) {
            tagDone();
            state = State.TAG_HEADER;
          }
        }
      }
    }
  }

  private void tagDone() {
    if (type != 9) {
      return;
    }
    boolean sequenceHeader = (b0 & 0x0F) == 7 && b1 == 0;
    if (sequenceHeader) {
      return;
    }
    stats.videoFrames++;
    long lag = System.nanoTime() - timestamp * 1_000_000;
    stats.lagSumNanos += lag;
    stats.lagCount++;
    if (lag < stats.lagMinNanos) {
      stats.lagMinNanos = lag;
    }
    if (lag > stats.lagMaxNanos) {
      stats.lagMaxNanos = lag;
    }
    if (stats.firstKeyframeNanos == 0 && (b0 >> 4) == 1) {
      stats.firstKeyframeNanos = System.nanoTime();
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
