package studio.tally.proto.hevc;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1): the body of an HEVC sequence start
 * (Enhanced RTMP 'hvc1', or legacy CodecID 12) and of the MP4 {@code hvcC} box.
 *
 * <pre>
 * UI8 configurationVersion = 1
 * general_profile_space u(2) general_tier_flag u(1) general_profile_idc u(5)
 * general_profile_compatibility_flags u(32) general_constraint_indicator_flags u(48) general_level_idc u(8)
 * 1111 min_spatial_segmentation_idc u(12) | 111111 parallelismType u(2) | 111111 chromaFormat u(2)
 * 11111 bitDepthLumaMinus8 u(3) | 11111 bitDepthChromaMinus8 u(3) | avgFrameRate u(16)
 * constantFrameRate u(2) numTemporalLayers u(3) temporalIdNested u(1) lengthSizeMinusOne u(2)
 * UI8 numOfArrays, each: array_completeness u(1) reserved u(1) NAL_unit_type u(6) UI16 numNalus,
 *   each: UI16 nalUnitLength, NAL unit (VPS 32, SPS 33, PPS 34, SEI 39/40)
 * </pre>
 */
public record HevcDecoderConfigurationRecord(
    int profileSpace,
    boolean tier,
    int profileIdc,
    long profileCompatibilityFlags,
    long constraintIndicatorFlags,
    int levelIdc,
    int chromaFormat,
    int bitDepthLumaMinus8,
    int bitDepthChromaMinus8,
    int avgFrameRate,
    int nalLengthSize,
    List<NalArray> arrays) {

  public static final int VPS = 32;
  public static final int SPS = 33;
  public static final int PPS = 34;
  static final int FIXED_LENGTH = 23;

  /** One array of NAL units of a single type. */
  public record NalArray(boolean complete, int nalType, List<byte[]> nalUnits) {
    public NalArray {
      nalUnits = List.copyOf(nalUnits);
    }
  }

  public HevcDecoderConfigurationRecord {
    arrays = List.copyOf(arrays);
  }

  /** The NAL units of one type, in order. */
  public List<byte[]> nalUnits(int nalType) {
    List<byte[]> out = new ArrayList<>();
    for (NalArray a : arrays) {
      if (a.nalType() == nalType) {
        out.addAll(a.nalUnits());
      }
    }
    return out;
  }

  /** The first SPS, parsed. */
  public HevcSps parseSps() {
    List<byte[]> sps = nalUnits(SPS);
    if (sps.isEmpty()) {
      throw new HevcException("HEVCDecoderConfigurationRecord: no SPS array");
    }
    return HevcSps.parse(sps.getFirst());
  }

  /** Parses the readable bytes of {@code in} without moving its indexes. */
  public static HevcDecoderConfigurationRecord parse(ByteBuf in) {
    int p = in.readerIndex();
    int end = in.writerIndex();
    if (end - p < FIXED_LENGTH) {
      throw new HevcException("HEVCDecoderConfigurationRecord: " + (end - p) + " bytes, need at least 23");
    }
    int version = in.getUnsignedByte(p);
    if (version != 1) {
      throw new HevcException("configurationVersion: expected 1, got " + version);
    }
    int b1 = in.getUnsignedByte(p + 1);
    long compat = in.getUnsignedInt(p + 2);
    long constraints = ((long) in.getUnsignedShort(p + 6) << 32) | in.getUnsignedInt(p + 8);
    int level = in.getUnsignedByte(p + 12);
    int chroma = in.getUnsignedByte(p + 16) & 0x03;
    int lumaDepth = in.getUnsignedByte(p + 17) & 0x07;
    int chromaDepth = in.getUnsignedByte(p + 18) & 0x07;
    int avgFrameRate = in.getUnsignedShort(p + 19);
    int lengthSize = (in.getUnsignedByte(p + 21) & 0x03) + 1;
    if (lengthSize == 3) {
      throw new HevcException("lengthSizeMinusOne: 2 is not allowed");
    }
    int numArrays = in.getUnsignedByte(p + 22);
    int pos = p + FIXED_LENGTH;
    List<NalArray> arrays = new ArrayList<>(numArrays);
    for (int i = 0; i < numArrays; i++) {
      if (end - pos < 3) {
        throw new HevcException("array[" + i + "]: truncated");
      }
      int b = in.getUnsignedByte(pos);
      int numNalus = in.getUnsignedShort(pos + 1);
      pos += 3;
      List<byte[]> nals = new ArrayList<>(Math.min(numNalus, (end - pos) / 2));
      for (int j = 0; j < numNalus; j++) {
        if (end - pos < 2) {
          throw new HevcException("nalUnitLength[" + i + "][" + j + "]: truncated");
        }
        int len = in.getUnsignedShort(pos);
        pos += 2;
        if (len > end - pos) {
          throw new HevcException("nalUnitLength[" + i + "][" + j + "]: " + len + " exceeds the " + (end - pos)
              + " bytes left");
        }
        byte[] nal = new byte[len];
        in.getBytes(pos, nal);
        pos += len;
        nals.add(nal);
      }
      arrays.add(new NalArray((b & 0x80) != 0, b & 0x3f, nals));
    }
    return new HevcDecoderConfigurationRecord(b1 >>> 6, (b1 & 0x20) != 0, b1 & 0x1f, compat, constraints, level,
        chroma, lumaDepth, chromaDepth, avgFrameRate, lengthSize, arrays);
  }

  /** Writes the record (min_spatial_segmentation_idc, parallelismType and the temporal fields as 0). */
  public void write(ByteBuf out) {
    out.writeByte(1);
    out.writeByte((profileSpace << 6) | (tier ? 0x20 : 0) | profileIdc);
    out.writeInt((int) profileCompatibilityFlags);
    out.writeShort((int) (constraintIndicatorFlags >>> 32)).writeInt((int) constraintIndicatorFlags);
    out.writeByte(levelIdc);
    out.writeShort(0xf000).writeByte(0xfc).writeByte(0xfc | chromaFormat);
    out.writeByte(0xf8 | bitDepthLumaMinus8).writeByte(0xf8 | bitDepthChromaMinus8);
    out.writeShort(avgFrameRate);
    out.writeByte(nalLengthSize - 1);
    out.writeByte(arrays.size());
    for (NalArray a : arrays) {
      out.writeByte((a.complete() ? 0x80 : 0) | a.nalType());
      out.writeShort(a.nalUnits().size());
      for (byte[] nal : a.nalUnits()) {
        out.writeShort(nal.length).writeBytes(nal);
      }
    }
  }
}
