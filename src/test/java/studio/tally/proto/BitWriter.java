package studio.tally.proto;

import java.io.ByteArrayOutputStream;

/** Test helper: MSB-first bit writer with Exp-Golomb codes, for crafting bitstreams. */
public final class BitWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int current;
  private int bits;

  public BitWriter u(int n, long value) {
    for (int i = n - 1; i >= 0; i--) {
      current = (current << 1) | (int) ((value >>> i) & 1);
      if (++bits == 8) {
        out.write(current);
        current = 0;
        bits = 0;
      }
    }
    return this;
  }

  public BitWriter flag(boolean b) {
    return u(1, b ? 1 : 0);
  }

  public BitWriter ue(long v) {
    long x = v + 1;
    int len = 64 - Long.numberOfLeadingZeros(x);
    u(len - 1, 0);
    return u(len, x);
  }

  public BitWriter se(long v) {
    return ue(v > 0 ? 2 * v - 1 : -2 * v);
  }

  /** rbsp_trailing_bits and the bytes. */
  public byte[] rbsp() {
    u(1, 1);
    return bytes();
  }

  /** Pads with zero bits to a byte boundary and returns the bytes. */
  public byte[] bytes() {
    if (bits > 0) {
      u(8 - bits, 0);
    }
    return out.toByteArray();
  }
}
