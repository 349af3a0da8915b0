package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.bits.ByteCursor;

/** Bounds-checked absolute reads over a tag body; every read names its field. */
final class TagCursor extends ByteCursor {

  TagCursor(ByteBuf body) {
    super(body, body.readerIndex(), body.writerIndex(),
        (field, needed, left, offset) -> new FlvException(field + ": tag body truncated at offset " + offset));
  }

  int readFourCc(String field) {
    return i32(field);
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
