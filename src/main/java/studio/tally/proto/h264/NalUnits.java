package studio.tally.proto.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 NAL unit framing: AVCC (ISO/IEC 14496-15 §5.3.2, each NAL unit prefixed by a 1-, 2- or
 * 4-byte big-endian length, as in FLV/RTMP and MP4) and Annex B byte streams (ITU-T H.264 Annex B,
 * NAL units separated by 00 00 01 or 00 00 00 01 start codes).
 *
 * <pre>
 * NAL header: +-+---+---------+
 *             |F|NRI|  type   |   F forbidden_zero_bit, NRI nal_ref_idc u(2), nal_unit_type u(5)
 *             +-+---+---------+
 * </pre>
 */
public final class NalUnits {
  public static final int NON_IDR_SLICE = 1;
  public static final int IDR_SLICE = 5;
  public static final int SEI = 6;
  public static final int SPS = 7;
  public static final int PPS = 8;
  public static final int AUD = 9;

  private static final byte[] START_CODE = {0, 0, 0, 1};

  private NalUnits() {}

  /** nal_unit_type of a NAL header byte. */
  public static int type(int headerByte) {
    return headerByte & 0x1f;
  }

  /**
   * The NAL units of an AVCC buffer as slices of {@code avcc} (no copy, not retained: they live as
   * long as {@code avcc}). Does not move its indexes.
   */
  public static List<ByteBuf> splitAvcc(ByteBuf avcc, int lengthSize) {
    return splitAvcc(avcc, lengthSize, true);
  }

  private static List<ByteBuf> splitAvcc(ByteBuf avcc, int lengthSize, boolean strict) {
    checkLengthSize(lengthSize);
    List<ByteBuf> nals = new ArrayList<>();
    int p = avcc.readerIndex();
    int end = avcc.writerIndex();
    while (p < end) {
      if (end - p < lengthSize) {
        if (!strict) break;
        throw new H264Exception("NALUnitLength: truncated at offset " + (p - avcc.readerIndex()));
      }
      long len = switch (lengthSize) {
        case 1 -> avcc.getUnsignedByte(p);
        case 2 -> avcc.getUnsignedShort(p);
        default -> avcc.getUnsignedInt(p);
      };
      p += lengthSize;
      if (len > end - p) {
        if (!strict) break;
        throw new H264Exception("NALUnitLength: " + len + " exceeds the " + (end - p) + " bytes left");
      }
      nals.add(avcc.slice(p, (int) len));
      p += (int) len;
    }
    return nals;
  }

  /**
   * The NAL units of an AVCC payload with 4-byte lengths, copied. Lenient, for an encoder's own
   * output: a truncated length or NAL unit at the end ends the list instead of failing.
   */
  public static List<byte[]> splitAvcc(byte[] avcc) {
    return copies(splitAvcc(Unpooled.wrappedBuffer(avcc), 4, false));
  }

  /**
   * The NAL units of an Annex B byte stream as slices of {@code annexB} (no copy, not retained).
   * Leading bytes before the first start code are ignored; trailing zero bytes are dropped.
   */
  public static List<ByteBuf> splitAnnexB(ByteBuf annexB) {
    List<ByteBuf> nals = new ArrayList<>();
    int end = annexB.writerIndex();
    int start = -1;
    int i = annexB.readerIndex();
    while (i + 2 < end) {
      if (annexB.getByte(i) == 0 && annexB.getByte(i + 1) == 0 && annexB.getByte(i + 2) == 1) {
        if (start >= 0) {
          nals.add(annexB.slice(start, trimZeros(annexB, start, i) - start));
        }
        i += 3;
        start = i;
      } else {
        i++;
      }
    }
    if (start >= 0 && start < end) {
      nals.add(annexB.slice(start, trimZeros(annexB, start, end) - start));
    }
    nals.removeIf(n -> !n.isReadable());
    return nals;
  }

  /** {@link #splitAnnexB(ByteBuf)} on an array: the NAL units, copied, without start codes or trailing zero bytes. */
  public static List<byte[]> splitAnnexB(byte[] annexB) {
    return copies(splitAnnexB(Unpooled.wrappedBuffer(annexB)));
  }

  /** True when data starts with a 3- or 4-byte start code. */
  public static boolean isAnnexB(byte[] data) {
    return data.length >= 4 && data[0] == 0 && data[1] == 0
        && (data[2] == 1 || (data[2] == 0 && data[3] == 1));
  }

  /**
   * Annex B → AVCC with 4-byte lengths (what RTMP/FLV/MP4 carry), dropping access unit delimiters;
   * data that does not start with a start code is taken as AVCC already and returned as is.
   */
  public static byte[] toAvcc(byte[] data) {
    if (!isAnnexB(data)) return data;
    List<ByteBuf> nals = splitAnnexB(Unpooled.wrappedBuffer(data));
    nals.removeIf(n -> type(n.getByte(n.readerIndex())) == AUD);
    int size = 0;
    for (ByteBuf n : nals) {
      size += 4 + n.readableBytes();
    }
    byte[] out = new byte[size];
    ByteBuf w = Unpooled.wrappedBuffer(out).writerIndex(0);
    for (ByteBuf n : nals) {
      w.writeInt(n.readableBytes()).writeBytes(n, n.readerIndex(), n.readableBytes());
    }
    return out;
  }

  /**
   * Whether an AVCC access unit (4-byte lengths) is disposable: every VCL NAL unit has nal_ref_idc 0,
   * so no other frame refers to it. False for malformed data and for an access unit without VCL.
   */
  public static boolean isDisposable(byte[] au) {
    boolean sawVcl = false;
    int i = 0;
    while (i + 5 <= au.length) {
      int len = (au[i] & 0xFF) << 24 | (au[i + 1] & 0xFF) << 16 | (au[i + 2] & 0xFF) << 8 | (au[i + 3] & 0xFF);
      if (len <= 0 || len > au.length - i - 4) return false;
      int header = au[i + 4] & 0xFF;
      int type = type(header);
      if (type >= NON_IDR_SLICE && type <= IDR_SLICE) {
        if ((header & 0x60) != 0) return false;
        sawVcl = true;
      }
      i += 4 + len;
    }
    return sawVcl;
  }

  private static List<byte[]> copies(List<ByteBuf> nals) {
    List<byte[]> out = new ArrayList<>(nals.size());
    for (ByteBuf n : nals) {
      out.add(ByteBufUtil.getBytes(n));
    }
    return out;
  }

  private static int trimZeros(ByteBuf b, int start, int end) {
    while (end > start && b.getByte(end - 1) == 0) {
      end--;
    }
    return end;
  }

  /** AVCC → Annex B with 4-byte start codes, in a new buffer; {@code avcc} is not released. */
  public static ByteBuf avccToAnnexB(ByteBufAllocator alloc, ByteBuf avcc, int lengthSize) {
    List<ByteBuf> nals = splitAvcc(avcc, lengthSize);
    int size = 0;
    for (ByteBuf n : nals) {
      size += 4 + n.readableBytes();
    }
    ByteBuf out = alloc.buffer(size);
    for (ByteBuf n : nals) {
      out.writeBytes(START_CODE).writeBytes(n, n.readerIndex(), n.readableBytes());
    }
    return out;
  }

  /** Annex B → AVCC with {@code lengthSize}-byte lengths, in a new buffer; the input is not released. */
  public static ByteBuf annexBToAvcc(ByteBufAllocator alloc, ByteBuf annexB, int lengthSize) {
    checkLengthSize(lengthSize);
    List<ByteBuf> nals = splitAnnexB(annexB);
    int size = 0;
    for (ByteBuf n : nals) {
      size += lengthSize + n.readableBytes();
    }
    ByteBuf out = alloc.buffer(size);
    long max = lengthSize == 4 ? 0xffff_ffffL : (1L << (8 * lengthSize)) - 1;
    for (ByteBuf n : nals) {
      int len = n.readableBytes();
      if (len > max) {
        out.release();
        throw new H264Exception("NALUnitLength: " + len + " does not fit " + lengthSize + " bytes");
      }
      switch (lengthSize) {
        case 1 -> out.writeByte(len);
        case 2 -> out.writeShort(len);
        default -> out.writeInt(len);
      }
      out.writeBytes(n, n.readerIndex(), len);
    }
    return out;
  }

  /** True if an AVCC access unit holds an IDR slice. Malformed framing counts as no. */
  public static boolean containsIdr(ByteBuf avcc, int lengthSize) {
    try {
      for (ByteBuf n : splitAvcc(avcc, lengthSize)) {
        if (n.isReadable() && type(n.getByte(n.readerIndex())) == IDR_SLICE) {
          return true;
        }
      }
    } catch (H264Exception e) {
      return false;
    }
    return false;
  }

  private static void checkLengthSize(int lengthSize) {
    if (lengthSize != 1 && lengthSize != 2 && lengthSize != 4) {
      throw new IllegalArgumentException("lengthSize " + lengthSize);
    }
  }
}
