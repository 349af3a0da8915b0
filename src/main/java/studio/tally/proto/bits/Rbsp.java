package studio.tally.proto.bits;

import io.netty.buffer.ByteBuf;

/**
 * Emulation prevention (ITU-T H.264 §7.4.1, H.265 §7.4.2): inside a NAL unit every {@code 00 00 03}
 * stands for {@code 00 00}. Turning NAL bytes into the raw byte sequence payload drops those 03s.
 */
public final class Rbsp {
  private Rbsp() {}

  /** RBSP of {@code length} NAL bytes at {@code offset} (the NAL header included, if given). */
  public static byte[] unescape(byte[] nal, int offset, int length) {
    byte[] out = new byte[length];
    int n = 0;
    int zeros = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = nal[i] & 0xff;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      out[n++] = (byte) b;
    }
    return n == length ? out : java.util.Arrays.copyOf(out, n);
  }

  /** RBSP of the readable bytes of {@code nal}; does not move its reader index. */
  public static byte[] unescape(ByteBuf nal) {
    byte[] raw = new byte[nal.readableBytes()];
    nal.getBytes(nal.readerIndex(), raw);
    return unescape(raw, 0, raw.length);
  }

  /** Escapes an RBSP back into NAL payload bytes (inserts 03 after each 00 00 followed by 00..03). */
  public static byte[] escape(byte[] rbsp) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(rbsp.length + 8);
    int zeros = 0;
    for (byte value : rbsp) {
      int b = value & 0xff;
      if (zeros >= 2 && b <= 3) {
        out.write(3);
        zeros = 0;
      }
      out.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return out.toByteArray();
  }
}
