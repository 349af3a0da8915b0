package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;

/**
 * The FLV file header (Adobe FLV spec v10.1, Annex E.2) and the PreviousTagSize0 that follows it.
 *
 * <pre>
 *  0       1       2       3       4       5       6       7       8
 * +-------+-------+-------+-------+-------+-------+-------+-------+-------+
 * |  'F'  |  'L'  |  'V'  |version|flags  |        DataOffset UI32        |
 * +-------+-------+-------+-------+-------+-------+-------+-------+-------+
 * flags: UB[5] reserved 0 | UB[1] audio | UB[1] reserved 0 | UB[1] video
 * then PreviousTagSize0 UI32 = 0
 * </pre>
 */
public record FlvHeader(boolean hasAudio, boolean hasVideo) {
  /** Bytes of the header proper (DataOffset for version 1). */
  public static final int LENGTH = 9;
  /** Header plus PreviousTagSize0. */
  public static final int LENGTH_WITH_TAG_SIZE_0 = 13;
  /** Largest DataOffset we skip over; version 1 files always say 9. */
  static final int MAX_DATA_OFFSET = 4096;

  /** Writes the 9-byte header and PreviousTagSize0 (13 bytes). */
  public void write(ByteBuf out) {
    out.writeByte('F').writeByte('L').writeByte('V').writeByte(1);
    out.writeByte((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0));
    out.writeInt(LENGTH);
    out.writeInt(0);
  }

  /**
   * Reads the header, any bytes up to its DataOffset and PreviousTagSize0 (13 bytes for version 1),
   * leaving the reader index at the first tag. For streams that may arrive in pieces use
   * {@link FlvTagReader}.
   *
   * @throws FlvException on a short buffer, a bad signature, version or DataOffset
   */
  public static FlvHeader parse(ByteBuf in) {
    if (in.readableBytes() < LENGTH) {
      throw new FlvException("FLV header truncated: " + in.readableBytes() + " of 9 bytes");
    }
    byte[] b = new byte[LENGTH];
    in.getBytes(in.readerIndex(), b);
    FlvHeader header = parse(b);
    long total = dataOffset(b) + 4;
    if (in.readableBytes() < total) {
      throw new FlvException("FLV header truncated: " + in.readableBytes() + " of " + total
          + " bytes (DataOffset + PreviousTagSize0)");
    }
    in.skipBytes((int) total);
    return header;
  }

  static FlvHeader parse(byte[] b) {
    if (b[0] != 'F' || b[1] != 'L' || b[2] != 'V') {
      throw new FlvException(String.format("FLV Signature: expected 'FLV', got %02x %02x %02x", b[0], b[1], b[2]));
    }
    if (b[3] != 1) {
      throw new FlvException("FLV Version: expected 1, got " + (b[3] & 0xff));
    }
    long offset = dataOffset(b);
    if (offset < LENGTH || offset > MAX_DATA_OFFSET) {
      throw new FlvException("FLV DataOffset: " + offset + " outside 9.." + MAX_DATA_OFFSET);
    }
    return new FlvHeader((b[4] & 0x04) != 0, (b[4] & 0x01) != 0);
  }

  static long dataOffset(byte[] b) {
    return ((b[5] & 0xffL) << 24) | ((b[6] & 0xff) << 16) | ((b[7] & 0xff) << 8) | (b[8] & 0xff);
  }
}
