package studio.tally.media.encode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 bitstream forms: Annex B (start codes, what most encoders emit) to AVCC (4-byte length
 * prefixes, what RTMP/FLV/MP4 carry), and the AVCDecoderConfigurationRecord (avcC, ISO 14496-15
 * §5.3.3.1) built from SPS/PPS. Pure functions on byte arrays.
 */
public final class AvcConfig {
  public static final int NAL_SPS = 7;
  public static final int NAL_PPS = 8;
  public static final int NAL_AUD = 9;

  private AvcConfig() {}

  /** True when data starts with a 3- or 4-byte start code. */
  public static boolean isAnnexB(byte[] data) {
    return data.length >= 4 && data[0] == 0 && data[1] == 0
        && (data[2] == 1 || (data[2] == 0 && data[3] == 1));
  }

  /** The NAL units of an Annex B stream, without start codes or trailing zero bytes. */
  public static List<byte[]> splitAnnexB(byte[] data) {
    List<byte[]> nals = new ArrayList<>();
    int i = 0;
    int start = -1;
    while (i + 2 < data.length) {
      if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
        if (start >= 0) nals.add(trimmed(data, start, i));
        i += 3;
        start = i;
      } else {
        i++;
      }
    }
    if (start >= 0 && start < data.length) nals.add(trimmed(data, start, data.length));
    nals.removeIf(n -> n.length == 0);
    return nals;
  }

  private static byte[] trimmed(byte[] data, int from, int to) {
    while (to > from && data[to - 1] == 0) to--;
    byte[] nal = new byte[to - from];
    System.arraycopy(data, from, nal, 0, nal.length);
    return nal;
  }

  /** Annex B → AVCC (4-byte big-endian lengths), dropping access unit delimiters. AVCC input is returned as is. */
  public static byte[] toAvcc(byte[] data) {
    if (!isAnnexB(data)) return data;
    var out = new ByteArrayOutputStream(data.length + 16);
    for (byte[] nal : splitAnnexB(data)) {
      if ((nal[0] & 0x1F) == NAL_AUD) continue;
      out.write(nal.length >>> 24);
      out.write(nal.length >>> 16);
      out.write(nal.length >>> 8);
      out.write(nal.length);
      out.writeBytes(nal);
    }
    return out.toByteArray();
  }

  /** NAL units of an AVCC payload. */
  public static List<byte[]> splitAvcc(byte[] data) {
    List<byte[]> nals = new ArrayList<>();
    int i = 0;
    while (i + 4 <= data.length) {
      int len = (data[i] & 0xFF) << 24 | (data[i + 1] & 0xFF) << 16 | (data[i + 2] & 0xFF) << 8 | (data[i + 3] & 0xFF);
      i += 4;
      if (len < 0 || i + len > data.length) break;
      byte[] nal = new byte[len];
      System.arraycopy(data, i, nal, 0, len);
      nals.add(nal);
      i += len;
    }
    return nals;
  }

  /**
   * avcC from an encoder's extradata: already avcC (first byte 1) → returned as is; Annex B SPS/PPS
   * → built. Null when it holds no SPS and PPS.
   */
  public static byte[] fromExtradata(byte[] extradata) {
    if (extradata == null || extradata.length == 0) return null;
    if (extradata[0] == 1) return extradata;
    return fromNals(splitAnnexB(extradata));
  }

  /** avcC from the SPS/PPS among nals (e.g. the in-band ones of a keyframe); null when missing. */
  public static byte[] fromNals(List<byte[]> nals) {
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    for (byte[] nal : nals) {
      int type = nal[0] & 0x1F;
      if (type == NAL_SPS && nal.length >= 4) sps.add(nal);
      else if (type == NAL_PPS) pps.add(nal);
    }
    if (sps.isEmpty() || pps.isEmpty()) return null;
    var out = new ByteArrayOutputStream();
    byte[] first = sps.get(0);
    out.write(1); // configurationVersion
    out.write(first[1]); // AVCProfileIndication
    out.write(first[2]); // profile_compatibility
    out.write(first[3]); // AVCLevelIndication
    out.write(0xFF); // reserved 6 bits + lengthSizeMinusOne = 3
    out.write(0xE0 | sps.size());
    for (byte[] s : sps) {
      out.write(s.length >>> 8);
      out.write(s.length);
      out.writeBytes(s);
    }
    out.write(pps.size());
    for (byte[] p : pps) {
      out.write(p.length >>> 8);
      out.write(p.length);
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
