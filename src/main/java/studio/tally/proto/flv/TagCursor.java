package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;

/** Bounds-checked absolute reads over a tag body; every read names its field. */
final class TagCursor {
  private final ByteBuf buf;
  private final int start;
  private final int end;
  private int pos;

  TagCursor(ByteBuf body) {
    this.buf = body;
    this.start = body.readerIndex();
    this.end = body.writerIndex();
    this.pos = start;
  }

  /** Offset from the body's reader index. */
  int offset() {
    return pos - start;
  }

  int remaining() {
    return end - pos;
  }

  int u8(String field) {
    need(1, field);
    return buf.getUnsignedByte(pos++);
  }

  int u16(String field) {
    need(2, field);
    int v = buf.getUnsignedShort(pos);
    pos += 2;
    return v;
  }

  int u24(String field) {
    need(3, field);
    int v = buf.getUnsignedMedium(pos);
    pos += 3;
    return v;
  }

  int si24(String field) {
    need(3, field);
    int v = buf.getMedium(pos);
    pos += 3;
    return v;
  }

  int readFourCc(String field) {
    need(4, field);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  void skip(int n, String field) {
    need(n, field);
    pos += n;
  }

  private void need(int n, String field) {
    if (end - pos < n) {
      throw new FlvException(field + ": tag body truncated at offset " + offset());
    }
  }

  static int fourCcOf(String s) {
    return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
  }

  static String fourCcString(int v) {
    StringBuilder sb = new StringBuilder(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      int c = (v >>> shift) & 0xff;
      sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return sb.toString();
  }
}
