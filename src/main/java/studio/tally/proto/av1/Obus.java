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
public final class Obus {
  public static final int OBU_SEQUENCE_HEADER = 1;
  public static final int OBU_TEMPORAL_DELIMITER = 2;
  public static final int OBU_TILE_LIST = 8;
  public static final int OBU_PADDING = 15;

  private Obus() {}

  /** One OBU of a buffer: its type, and where its header (1 or 2 bytes) and payload lie. */
  public record Obu(int type, int headerOffset, int headerLength, int payloadOffset, int payloadLength) {
    /** The OBU as RTP carries it (AV1 RTP §4.3): header with obu_has_size_field cleared, then the payload. */
    public byte[] withoutSizeField(byte[] b) {
      byte[] out = new byte[headerLength + payloadLength];
      System.arraycopy(b, headerOffset, out, 0, headerLength);
      out[0] = (byte) (out[0] & ~0x02);
      System.arraycopy(b, payloadOffset, out, headerLength, payloadLength);
      return out;
    }
  }

  /**
   * The OBUs of a temporal unit in the low-overhead format (AV1 §5.2: each with its size field, except
   * that the last may run to the end). Throws {@link Av1Exception} on a forbidden bit or a size that
   * overruns the buffer.
   */
  public static java.util.List<Obu> split(byte[] b, int offset, int length) {
    java.util.List<Obu> out = new java.util.ArrayList<>();
    int p = offset;
    int end = offset + length;
    while (p < end) {
      int start = p;
      int h = b[p] & 0xff;
      if ((h & 0x80) != 0) {
        throw new Av1Exception("obu_forbidden_bit: set at offset " + (p - offset));
      }
      int headerLength = (h & 0x04) != 0 ? 2 : 1;
      if (p + headerLength > end) {
        throw new Av1Exception("obu_header: truncated at offset " + (p - offset));
      }
      p += headerLength;
      long size;
      if ((h & 0x02) != 0) {
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
      if (size > end - p) {
        throw new Av1Exception("obu_size: " + size + " exceeds the " + (end - p) + " bytes left");
      }
      out.add(new Obu((h >>> 3) & 0x0f, start, headerLength, p, (int) size));
      p += (int) size;
    }
    return out;
  }

  /** The first sequence header OBU in the buffer, parsed, or null. */
  static Av1SequenceHeader findSequenceHeader(byte[] b, int offset, int length) {
    for (Obu o : split(b, offset, length)) {
      if (o.type() == OBU_SEQUENCE_HEADER) {
        return Av1SequenceHeader.parse(new BitReader(b, o.payloadOffset(), o.payloadLength()));
      }
    }
    return null;
  }

}
