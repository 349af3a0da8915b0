package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Interim FLV tag framing and body inspection; moves onto proto.flv once that lands. */
final class FlvFraming {
  private FlvFraming() {}

  /**
   * Tag header (11 B) + body + PreviousTagSize (4 B) in ONE contiguous buffer; takes ownership of
   * {@code body}. The body is copied once per tag here, so each of the N players' writes is a single
   * buffer (one iovec, no composite walk or nioBuffers array per write).
   */
  static ByteBuf encode(ByteBufAllocator alloc, int type, long ts, ByteBuf body) {
    try {
      int size = body.readableBytes();
      ByteBuf tag = alloc.directBuffer(11 + size + 4, 11 + size + 4);
      tag.writeByte(type).writeMedium(size).writeMedium((int) (ts & 0xFFFFFF)).writeByte((int) (ts >>> 24) & 0xFF)
          .writeMedium(0);
      tag.writeBytes(body, body.readerIndex(), size);
      tag.writeInt(size + 11);
      return tag;
    } finally {
      body.release();
    }
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
