package studio.tally.proto.bits;

/**
 * MSB-first bit reader over a byte array, with the descriptors of ITU-T H.264 §7.2 / H.265 §7.2:
 * {@code u(n)}, {@code ue(v)}, {@code se(v)}, and AV1's {@code uvlc()} and {@code leb128()}.
 * Every read names its syntax element so a truncated or absurd stream fails with the field in the
 * message. Reads never loop more than 32 times per element.
 */
public final class BitReader {
  private final byte[] data;
  private final long endBit;
  private long pos;

  public BitReader(byte[] data) {
    this(data, 0, data.length);
  }

  public BitReader(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > data.length) {
      throw new IndexOutOfBoundsException("offset " + offset + " length " + length);
    }
    this.data = data;
    this.pos = (long) offset * 8;
    this.endBit = (long) (offset + length) * 8;
  }

  public long bitsLeft() {
    return endBit - pos;
  }

  public long bitPosition() {
    return pos;
  }

  public boolean byteAligned() {
    return (pos & 7) == 0;
  }

  /** u(1). */
  public boolean flag(String field) {
    return u(1, field) == 1;
  }

  /** u(n) for n in 0..32, returned as a non-negative long. */
  public long u(int n, String field) {
    if (n < 0 || n > 32) {
      throw new IllegalArgumentException("u(" + n + ")");
    }
    need(n, field);
    long v = 0;
    for (int i = 0; i < n; i++) {
      int bit = (data[(int) (pos >>> 3)] >>> (7 - (int) (pos & 7))) & 1;
      v = (v << 1) | bit;
      pos++;
    }
    return v;
  }

  /** u(n) for n in 0..31 as an int. */
  public int ui(int n, String field) {
    if (n > 31) {
      throw new IllegalArgumentException("ui(" + n + ")");
    }
    return (int) u(n, field);
  }

  /** ue(v), limited to values that fit a non-negative int (at most 31 leading zero bits). */
  public int ue(String field) {
    int zeros = 0;
    while (!flag(field)) {
      if (++zeros > 31) {
        throw new BitstreamException(field + ": Exp-Golomb code longer than 32 bits");
      }
    }
    long v = (1L << zeros) - 1 + u(zeros, field);
    if (v > Integer.MAX_VALUE) {
      throw new BitstreamException(field + ": value " + v + " out of range");
    }
    return (int) v;
  }

  /** ue(v) that must lie in [0, max]. */
  public int ue(String field, int max) {
    int v = ue(field);
    if (v > max) {
      throw new BitstreamException(field + ": " + v + " exceeds " + max);
    }
    return v;
  }

  /** se(v) (H.264 §9.1.1). */
  public int se(String field) {
    long k = ue(field);
    return (int) ((k & 1) == 1 ? (k + 1) / 2 : -(k / 2));
  }

  /** AV1 uvlc() (§4.10.3): at most 32 leading zeros, otherwise saturates like the spec. */
  public long uvlc(String field) {
    int zeros = 0;
    while (!flag(field)) {
      if (++zeros >= 32) {
        return (1L << 32) - 1;
      }
    }
    return (1L << zeros) - 1 + u(zeros, field);
  }

  public void skip(long bits, String field) {
    if (bits < 0) {
      throw new BitstreamException(field + ": negative skip");
    }
    need(bits, field);
    pos += bits;
  }

  private void need(long n, String field) {
    if (n > endBit - pos) {
      throw new BitstreamException(field + ": truncated (need " + n + " bits, " + (endBit - pos) + " left)");
    }
  }
}
