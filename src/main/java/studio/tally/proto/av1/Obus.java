package studio.tally.proto.av1;

import studio.tally.proto.bits.BitReader;

/**
 * Walks a sequence of low-overhead OBUs (AV1 §5.3, Annex B not supported), each with its size field.
 *
 * <pre>
 * obu_header: forbidden u(1) obu_type u(4) obu_extension_flag u(1) obu_has_size_field u(1) reserved u(1)
 *             [temporal_id u(3) spatial_id u(2) reserved u(3)]
 * obu_size leb128() (when obu_has_size_field; otherwise the OBU runs to the end of the buffer)
 * </pre>
 */
final class Obus {
  static final int OBU_SEQUENCE_HEADER = 1;

  private Obus() {}

  /** The first sequence header OBU in the buffer, parsed, or null. */
  static Av1SequenceHeader findSequenceHeader(byte[] b, int offset, int length) {
    int p = offset;
    int end = offset + length;
    while (p < end) {
      int h = b[p] & 0xff;
      if ((h & 0x80) != 0) {
        throw new Av1Exception("obu_forbidden_bit: set at offset " + (p - offset));
      }
      int type = (h >>> 3) & 0x0f;
      boolean ext = (h & 0x04) != 0;
      boolean hasSize = (h & 0x02) != 0;
      p += ext ? 2 : 1;
      long size;
      if (hasSize) {
        long v = 0;
        int i = 0;
        while (true) {
          if (p >= end || i == 8) {
            throw new Av1Exception("obu_size: truncated or longer than 8 bytes");
          }
          int c = b[p++] & 0xff;
          v |= (long) (c & 0x7f) << (7 * i++);
          if ((c & 0x80) == 0) {
            break;
          }
        }
        size = v;
      } else {
        size = end - p;
      }
      if (p > end || size > end - p) {
        throw new Av1Exception("obu_size: " + size + " exceeds the " + Math.max(0, end - p) + " bytes left");
      }
      if (type == OBU_SEQUENCE_HEADER) {
        return Av1SequenceHeader.parse(new BitReader(b, p, (int) size));
      }
      p += (int) size;
    }
    return null;
  }
}
