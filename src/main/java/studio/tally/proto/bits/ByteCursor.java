package studio.tally.proto.bits;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.ProtocolException;

/**
 * Bounds-checked big-endian reads over {@code [start, end)} of a buffer, without moving its indexes.
 * Every read names its field; running short becomes the caller's protocol error, so each codec
 * keeps its own exception type and message.
 */
public class ByteCursor {

  /** Makes the protocol error for a read of {@code needed} bytes with {@code left} remaining. */
  @FunctionalInterface
  public interface Truncation {
    ProtocolException error(String field, int needed, int left, int offset);
  }

  private final ByteBuf buf;
  private final int start;
  private final int end;
  private final Truncation truncation;
  private int pos;

  public ByteCursor(ByteBuf buf, int start, int end, Truncation truncation) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.pos = start;
    this.truncation = truncation;
  }

  public ByteBuf buffer() {
    return buf;
  }

  /** Absolute index in {@link #buffer()} of the next read. */
  public int position() {
    return pos;
  }

  /** Bytes read so far. */
  public int offset() {
    return pos - start;
  }

  public int remaining() {
    return end - pos;
  }

  public void need(int n, String field) {
    if (n > end - pos) {
      throw truncation.error(field, n, end - pos, pos - start);
    }
  }

  public int u8(String field) {
    need(1, field);
    return buf.getUnsignedByte(pos++);
  }

  public int u16(String field) {
    need(2, field);
    int v = buf.getUnsignedShort(pos);
    pos += 2;
    return v;
  }

  public int u24(String field) {
    need(3, field);
    int v = buf.getUnsignedMedium(pos);
    pos += 3;
    return v;
  }

  public int si24(String field) {
    need(3, field);
    int v = buf.getMedium(pos);
    pos += 3;
    return v;
  }

  public int i32(String field) {
    need(4, field);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  public long u32(String field) {
    return Integer.toUnsignedLong(i32(field));
  }

  public long i64(String field) {
    need(8, field);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  public byte[] bytes(int n, String field) {
    need(n, field);
    byte[] b = new byte[n];
    buf.getBytes(pos, b);
    pos += n;
    return b;
  }

  public void skip(int n, String field) {
    need(n, field);
    pos += n;
  }
}
