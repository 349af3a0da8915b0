package studio.tally.proto.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.2.4.1 / §5.3.3.1): the body of an AVC sequence
 * header tag and of the MP4 {@code avcC} box.
 *
 * <pre>
 * +--------+--------+--------+--------+--------+--------+
 * | ver=1  |profile | compat | level  |111111LL|111NNNNN|  LL = lengthSizeMinusOne, N = numOfSPS
 * +--------+--------+--------+--------+--------+--------+
 * N × (UI16 sequenceParameterSetLength, SPS NAL unit)
 * UI8 numOfPictureParameterSets, that many × (UI16 length, PPS NAL unit)
 * if profile ∉ {66, 77, 88} (FFmpeg and the 2014+ editions; optional in practice, many muxers omit it):
 *   111111 chroma_format(2) | 11111 bit_depth_luma_minus8(3) | 11111 bit_depth_chroma_minus8(3)
 *   UI8 numOfSequenceParameterSetExt, that many × (UI16 length, SPS extension NAL unit)
 * </pre>
 *
 * @param nalLengthSize 1, 2 or 4: bytes of the length prefix before each NAL unit in coded frames
 * @param chromaFormat from the high-profile extension, or -1 when it is absent
 * @param bitDepthLumaMinus8 from the extension, or -1
 * @param bitDepthChromaMinus8 from the extension, or -1
 */
public record AvcDecoderConfigurationRecord(
    int profile,
    int compatibility,
    int level,
    int nalLengthSize,
    List<byte[]> sps,
    List<byte[]> pps,
    int chromaFormat,
    int bitDepthLumaMinus8,
    int bitDepthChromaMinus8,
    List<byte[]> spsExt) {

  public AvcDecoderConfigurationRecord {
    if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4) {
      throw new IllegalArgumentException("nalLengthSize " + nalLengthSize);
    }
    if (sps.size() > 31 || pps.size() > 255 || spsExt.size() > 255) {
      throw new IllegalArgumentException("too many parameter sets");
    }
    sps = List.copyOf(sps);
    pps = List.copyOf(pps);
    spsExt = List.copyOf(spsExt);
  }

  /** A record for one SPS and PPS, taking profile, compatibility and level from the SPS bytes. */
  public static AvcDecoderConfigurationRecord of(byte[] sps, byte[] pps) {
    if (sps.length < 4) {
      throw new H264Exception("SPS: " + sps.length + " bytes is too short");
    }
    return new AvcDecoderConfigurationRecord(sps[1] & 0xff, sps[2] & 0xff, sps[3] & 0xff, 4, List.of(sps),
        List.of(pps), -1, -1, -1, List.of());
  }

  /**
   * A record for the SPS and PPS among nals (e.g. the in-band ones of a keyframe), 4-byte NAL
   * lengths, profile, compatibility and level from the first SPS; null when an SPS (of at least
   * 4 bytes) or a PPS is missing.
   */
  public static AvcDecoderConfigurationRecord ofNals(List<byte[]> nals) {
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    for (byte[] nal : nals) {
      int type = NalUnits.type(nal[0]);
      if (type == NalUnits.SPS && nal.length >= 4) sps.add(nal);
      else if (type == NalUnits.PPS) pps.add(nal);
    }
    if (sps.isEmpty() || pps.isEmpty()) return null;
    byte[] first = sps.getFirst();
    return new AvcDecoderConfigurationRecord(first[1] & 0xff, first[2] & 0xff, first[3] & 0xff, 4, sps, pps,
        -1, -1, -1, List.of());
  }

  /**
   * avcC bytes from an encoder's extradata: already an avcC record (first byte 1) → returned as is;
   * Annex B SPS/PPS → built by {@link #ofNals}. Null when it holds no SPS and PPS.
   */
  public static byte[] fromExtradata(byte[] extradata) {
    if (extradata == null || extradata.length == 0) return null;
    if (extradata[0] == 1) return extradata;
    AvcDecoderConfigurationRecord r = ofNals(NalUnits.splitAnnexB(extradata));
    return r == null ? null : r.toByteArray();
  }

  /** {@link #write} into a new array. */
  public byte[] toByteArray() {
    ByteBuf out = Unpooled.buffer();
    write(out);
    return ByteBufUtil.getBytes(out);
  }

  /** The first SPS, parsed. */
  public H264Sps parseSps() {
    if (sps.isEmpty()) {
      throw new H264Exception("numOfSequenceParameterSets: 0, no SPS to parse");
    }
    return H264Sps.parse(sps.getFirst());
  }

  /** Parses the readable bytes of {@code in} without moving its indexes. */
  public static AvcDecoderConfigurationRecord parse(ByteBuf in) {
    int p = in.readerIndex();
    int end = in.writerIndex();
    if (end - p < 7) {
      throw new H264Exception("AVCDecoderConfigurationRecord: " + (end - p) + " bytes, need at least 7");
    }
    int version = in.getUnsignedByte(p);
    if (version != 1) {
      throw new H264Exception("configurationVersion: expected 1, got " + version);
    }
    int profile = in.getUnsignedByte(p + 1);
    int compat = in.getUnsignedByte(p + 2);
    int level = in.getUnsignedByte(p + 3);
    int lengthSize = (in.getUnsignedByte(p + 4) & 0x03) + 1;
    if (lengthSize == 3) {
      throw new H264Exception("lengthSizeMinusOne: 2 is not allowed");
    }
    int numSps = in.getUnsignedByte(p + 5) & 0x1f;
    int[] pos = {p + 6};
    List<byte[]> sps = readSets(in, pos, end, numSps, "sequenceParameterSetLength");
    if (pos[0] >= end) {
      throw new H264Exception("numOfPictureParameterSets: truncated");
    }
    int numPps = in.getUnsignedByte(pos[0]++);
    List<byte[]> pps = readSets(in, pos, end, numPps, "pictureParameterSetLength");
    int chroma = -1;
    int lumaDepth = -1;
    int chromaDepth = -1;
    List<byte[]> ext = List.of();
    if (profile != 66 && profile != 77 && profile != 88 && end - pos[0] >= 4) {
      chroma = in.getUnsignedByte(pos[0]) & 0x03;
      lumaDepth = in.getUnsignedByte(pos[0] + 1) & 0x07;
      chromaDepth = in.getUnsignedByte(pos[0] + 2) & 0x07;
      int numExt = in.getUnsignedByte(pos[0] + 3);
      pos[0] += 4;
      ext = readSets(in, pos, end, numExt, "sequenceParameterSetExtLength");
    }
    return new AvcDecoderConfigurationRecord(profile, compat, level, lengthSize, sps, pps, chroma, lumaDepth,
        chromaDepth, ext);
  }

  private static List<byte[]> readSets(ByteBuf in, int[] pos, int end, int count, String field) {
    List<byte[]> sets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (end - pos[0] < 2) {
        throw new H264Exception(field + "[" + i + "]: truncated");
      }
      int len = in.getUnsignedShort(pos[0]);
      pos[0] += 2;
      if (len > end - pos[0]) {
        throw new H264Exception(field + "[" + i + "]: " + len + " exceeds the " + (end - pos[0]) + " bytes left");
      }
      byte[] nal = new byte[len];
      in.getBytes(pos[0], nal);
      pos[0] += len;
      sets.add(nal);
    }
    return sets;
  }

  /** Writes the record; the high-profile extension only if {@link #chromaFormat} is set. */
  public void write(ByteBuf out) {
    out.writeByte(1).writeByte(profile).writeByte(compatibility).writeByte(level);
    out.writeByte(0xfc | (nalLengthSize - 1));
    out.writeByte(0xe0 | sps.size());
    writeSets(out, sps);
    out.writeByte(pps.size());
    writeSets(out, pps);
    if (chromaFormat >= 0) {
      out.writeByte(0xfc | chromaFormat);
      out.writeByte(0xf8 | bitDepthLumaMinus8);
      out.writeByte(0xf8 | bitDepthChromaMinus8);
      out.writeByte(spsExt.size());
      writeSets(out, spsExt);
    }
  }

  private static void writeSets(ByteBuf out, List<byte[]> sets) {
    for (byte[] nal : sets) {
      if (nal.length > 0xffff) {
        throw new IllegalArgumentException("parameter set of " + nal.length + " bytes");
      }
      out.writeShort(nal.length).writeBytes(nal);
    }
  }
}
