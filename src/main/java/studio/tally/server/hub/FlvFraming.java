package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/** Interim FLV tag framing and body inspection; moves onto proto.flv once that lands. */
final class FlvFraming {
  private FlvFraming() {}

  /** Tag header (11 B) + body + PreviousTagSize (4 B); takes ownership of {@code body}. */
  static ByteBuf encode(ByteBufAllocator alloc, int type, long ts, ByteBuf body) {
    int size = body.readableBytes();
    ByteBuf head = alloc.directBuffer(11, 11);
    head.writeByte(type).writeMedium(size).writeMedium((int) (ts & 0xFFFFFF)).writeByte((int) (ts >>> 24) & 0xFF)
        .writeMedium(0);
    ByteBuf tail = alloc.directBuffer(4, 4).writeInt(size + 11);
    CompositeByteBuf tag = alloc.compositeDirectBuffer(3);
    tag.addComponents(true, head, body, tail);
    return tag;
  }

  static boolean isVideoKeyframe(ByteBuf body) {
    return body.isReadable() && ((body.getByte(body.readerIndex()) >> 4) & 0x07) == 1;
  }

  static boolean isVideoSequenceHeader(ByteBuf body) {
    if (!body.isReadable()) {
      return false;
    }
    int b0 = body.getUnsignedByte(body.readerIndex());
    if ((b0 & 0x80) != 0) { // Enhanced RTMP: packet type in the low nibble, 0 = SequenceStart
      return (b0 & 0x0F) == 0;
    }
    return body.readableBytes() >= 2 && body.getByte(body.readerIndex() + 1) == 0;
  }

  static boolean isAudioSequenceHeader(ByteBuf body) {
    if (body.readableBytes() < 2) {
      return false;
    }
    int format = body.getUnsignedByte(body.readerIndex()) >> 4;
    return format == 10 && body.getByte(body.readerIndex() + 1) == 0;
  }
}
