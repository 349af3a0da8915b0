package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/** Bounds-checked reads within one RTCP packet body; failures name the packet type and field. */
final class RtcpReader {
  final ByteBuf buf;
  int pos;
  final int end;
  final int pt;

  RtcpReader(ByteBuf buf, int pos, int end, int pt) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.pt = pt;
  }

  int remaining() {
    return end - pos;
  }

  void need(int n, String field) {
    if (n > end - pos) {
      throw new RtpException("rtcp: PT " + pt + " " + field + " needs " + n + " bytes, " + (end - pos) + " left");
    }
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

  int i32(String field) {
    need(4, field);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  long u32(String field) {
    return Integer.toUnsignedLong(i32(field));
  }

  long i64(String field) {
    need(8, field);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  byte[] bytes(int n, String field) {
    need(n, field);
    byte[] b = new byte[n];
    buf.getBytes(pos, b);
    pos += n;
    return b;
  }
}
