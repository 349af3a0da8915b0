package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Writes FLV tags (Adobe FLV spec v10.1, Annex E.4.1) followed by their PreviousTagSize.
 *
 * <pre>
 *  0       1       2       3       4       5       6       7       8       9       10
 * +-------+-------+-------+-------+-------+-------+-------+-------+-------+-------+-------+
 * |R R F type(5)  |     DataSize UI24     |     Timestamp UI24    |TsExt  |  StreamID UI24 = 0    |
 * +-------+-------+-------+-------+-------+-------+-------+-------+-------+-------+-------+
 * | Data (DataSize bytes) ... | PreviousTagSize UI32 = 11 + DataSize |
 * </pre>
 *
 * The server encodes each tag once and hands every player a {@code retainedDuplicate()} of the
 * result, so {@link #encodeTag} does not copy large bodies: it wraps header, body and trailer in a
 * composite buffer.
 */
public final class FlvTagEncoder {
  public static final int TAG_HEADER_LENGTH = 11;
  public static final int PREVIOUS_TAG_SIZE_LENGTH = 4;
  /** Bodies up to this size are copied into one flat buffer; a composite costs more than the copy. */
  static final int COPY_THRESHOLD = 512;

  private FlvTagEncoder() {}

  /**
   * The whole tag (header, body, PreviousTagSize) as one buffer. Takes ownership of {@code body}
   * (its readable bytes): the caller must not release it afterwards.
   */
  public static ByteBuf encodeTag(ByteBufAllocator alloc, int type, long timestamp, ByteBuf body) {
    int size = body.readableBytes();
    try {
      checkFields(type, timestamp, size);
    } catch (IllegalArgumentException e) {
      body.release();
      throw e;
    }
    if (size <= COPY_THRESHOLD) {
      ByteBuf out = alloc.buffer(TAG_HEADER_LENGTH + size + PREVIOUS_TAG_SIZE_LENGTH);
      writeHeader(out, type, timestamp, size);
      out.writeBytes(body, body.readerIndex(), size);
      body.release();
      out.writeInt(TAG_HEADER_LENGTH + size);
      return out;
    }
    ByteBuf header = alloc.buffer(TAG_HEADER_LENGTH);
    writeHeader(header, type, timestamp, size);
    ByteBuf trailer = alloc.buffer(PREVIOUS_TAG_SIZE_LENGTH).writeInt(TAG_HEADER_LENGTH + size);
    CompositeByteBuf out = alloc.compositeBuffer(3);
    out.addComponents(true, header, body, trailer);
    return out;
  }

  /**
   * The whole tag as ONE contiguous direct buffer (the body copied once). For fan-out: a buffer
   * written to thousands of connections is cheapest flat — one iovec per write, no composite walk.
   * Takes ownership of {@code body}.
   */
  public static ByteBuf encodeTagFlat(ByteBufAllocator alloc, int type, long timestamp, ByteBuf body) {
    int size = body.readableBytes();
    try {
      checkFields(type, timestamp, size);
      int total = TAG_HEADER_LENGTH + size + PREVIOUS_TAG_SIZE_LENGTH;
      ByteBuf out = alloc.directBuffer(total, total);
      writeHeader(out, type, timestamp, size);
      out.writeBytes(body, body.readerIndex(), size);
      out.writeInt(TAG_HEADER_LENGTH + size);
      return out;
    } finally {
      body.release();
    }
  }

  /** {@link #encodeTag(ByteBufAllocator, int, long, ByteBuf)} for a tag; takes ownership of its body. */
  public static ByteBuf encodeTag(ByteBufAllocator alloc, FlvTag tag) {
    return encodeTag(alloc, tag.type(), tag.timestamp(), tag.body());
  }

  /** Copies the tag into {@code out}; does not release the tag. */
  public static void write(FlvTag tag, ByteBuf out) {
    int size = tag.body().readableBytes();
    writeHeader(out, tag.type(), tag.timestamp(), size);
    out.writeBytes(tag.body(), tag.body().readerIndex(), size);
    out.writeInt(TAG_HEADER_LENGTH + size);
  }

  /** Writes the 11-byte tag header for a body of {@code dataSize} bytes. */
  public static void writeHeader(ByteBuf out, int type, long timestamp, int dataSize) {
    checkFields(type, timestamp, dataSize);
    out.writeByte(type);
    out.writeMedium(dataSize);
    out.writeMedium((int) (timestamp & 0xFF_FFFF));
    out.writeByte((int) (timestamp >>> 24));
    out.writeMedium(0);
  }

  private static void checkFields(int type, long timestamp, int size) {
    if (type < 0 || type > 31) {
      throw new IllegalArgumentException("TagType " + type + " does not fit UB[5]");
    }
    if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("Timestamp " + timestamp + " does not fit UI32");
    }
    if (size > FlvTag.MAX_DATA_SIZE) {
      throw new IllegalArgumentException("DataSize " + size + " does not fit UI24");
    }
  }
}
