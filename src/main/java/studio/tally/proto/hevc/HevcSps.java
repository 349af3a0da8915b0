package studio.tally.proto.hevc;

import studio.tally.proto.bits.BitReader;
import studio.tally.proto.bits.BitstreamException;
import studio.tally.proto.bits.Rbsp;

/**
 * H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1), read up to the bit depths: profile, tier,
 * level, chroma format and the conformance-window-cropped picture size. (The frame rate sits deep in
 * the VUI behind the reference picture sets and is not read.)
 *
 * <pre>
 * NAL header u(16): forbidden u(1) nal_unit_type u(6) = 33 nuh_layer_id u(6) nuh_temporal_id_plus1 u(3)
 * sps_video_parameter_set_id u(4) sps_max_sub_layers_minus1 u(3) sps_temporal_id_nesting_flag u(1)
 * profile_tier_level(1, sps_max_sub_layers_minus1):
 *   general_profile_space u(2) general_tier_flag u(1) general_profile_idc u(5)
 *   general_profile_compatibility_flag u(32) progressive/interlaced/non_packed/frame_only u(4)
 *   general constraint bits u(43) general_inbld/reserved u(1) general_level_idc u(8)
 *   sub_layer_profile_present_flag u(1) sub_layer_level_present_flag u(1) per sub-layer,
 *   [reserved_zero_2bits u(2) up to 8 sub-layers] [88 bits profile, 8 bits level per sub-layer]
 * sps_seq_parameter_set_id ue(v) chroma_format_idc ue(v) [=3: separate_colour_plane_flag u(1)]
 * pic_width_in_luma_samples ue(v) pic_height_in_luma_samples ue(v)
 * conformance_window_flag u(1) [conf_win_left/right/top/bottom_offset ue(v)]
 * bit_depth_luma_minus8 ue(v) bit_depth_chroma_minus8 ue(v) ...
 * </pre>
 */
public record HevcSps(
    int profileSpace,
    boolean tier,
    int profileIdc,
    int levelIdc,
    int chromaFormatIdc,
    int width,
    int height,
    int bitDepthLuma,
    int bitDepthChroma) {

  /** Largest luma dimension accepted (level 6.2 allows 8444 × 8444 at most on one side; allow 16384). */
  static final int MAX_DIMENSION = 16384;

  /** Profile name as SRS reports it: "Main", "Main10", "MainStillPicture", "RangeExtensions"... */
  public String profileName() {
    return switch (profileIdc) {
      case 1 -> "Main";
      case 2 -> "Main10";
      case 3 -> "MainStillPicture";
      case 4 -> "RangeExtensions";
      case 5 -> "HighThroughput";
      case 9 -> "ScreenContentCoding";
      default -> "Unknown(" + profileIdc + ")";
    };
  }

  /** Level as text: general_level_idc is 30 × the level ("3.1" is 93). */
  public String levelName() {
    return levelName(levelIdc);
  }

  static String levelName(int levelIdc) {
    int major = levelIdc / 30;
    int minor = (levelIdc % 30) / 3;
    return minor == 0 ? Integer.toString(major) : major + "." + minor;
  }

  /** Parses an SPS NAL unit (with its two-byte NAL header, emulation prevention bytes still in). */
  public static HevcSps parse(byte[] nal) {
    if (nal.length < 3) {
      throw new HevcException("SPS: " + nal.length + " bytes is too short");
    }
    int type = (nal[0] >>> 1) & 0x3f;
    if (type != HevcDecoderConfigurationRecord.SPS) {
      throw new HevcException("nal_unit_type: expected 33 (SPS), got " + type);
    }
    try {
      return parseRbsp(new BitReader(Rbsp.unescape(nal, 2, nal.length - 2)));
    } catch (BitstreamException e) {
      throw new HevcException("SPS " + e.getMessage(), e);
    }
  }

  private static HevcSps parseRbsp(BitReader r) {
    r.skip(4, "sps_video_parameter_set_id");
    int maxSubLayersMinus1 = r.ui(3, "sps_max_sub_layers_minus1");
    if (maxSubLayersMinus1 > 6) {
      throw new HevcException("sps_max_sub_layers_minus1: " + maxSubLayersMinus1 + " exceeds 6");
    }
    r.skip(1, "sps_temporal_id_nesting_flag");
    int profileSpace = r.ui(2, "general_profile_space");
    boolean tier = r.flag("general_tier_flag");
    int profileIdc = r.ui(5, "general_profile_idc");
    r.skip(32 + 4 + 43 + 1, "general_profile_compatibility_flag/constraint flags");
    int levelIdc = r.ui(8, "general_level_idc");
    boolean[] profilePresent = new boolean[maxSubLayersMinus1];
    boolean[] levelPresent = new boolean[maxSubLayersMinus1];
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      profilePresent[i] = r.flag("sub_layer_profile_present_flag");
      levelPresent[i] = r.flag("sub_layer_level_present_flag");
    }
    if (maxSubLayersMinus1 > 0) {
      r.skip(2L * (8 - maxSubLayersMinus1), "reserved_zero_2bits");
    }
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      if (profilePresent[i]) {
        r.skip(88, "sub_layer_profile");
      }
      if (levelPresent[i]) {
        r.skip(8, "sub_layer_level_idc");
      }
    }
    r.ue("sps_seq_parameter_set_id", 15);
    int chroma = r.ue("chroma_format_idc", 3);
    boolean separatePlanes = chroma == 3 && r.flag("separate_colour_plane_flag");
    int width = r.ue("pic_width_in_luma_samples", MAX_DIMENSION);
    int height = r.ue("pic_height_in_luma_samples", MAX_DIMENSION);
    if (width == 0 || height == 0) {
      throw new HevcException("pic_width/height_in_luma_samples: " + width + "x" + height);
    }
    if (r.flag("conformance_window_flag")) {
      int chromaArrayType = separatePlanes ? 0 : chroma;
      int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
      int subHeightC = chromaArrayType == 1 ? 2 : 1;
      long left = r.ue("conf_win_left_offset");
      long right = r.ue("conf_win_right_offset");
      long top = r.ue("conf_win_top_offset");
      long bottom = r.ue("conf_win_bottom_offset");
      long w = width - subWidthC * (left + right);
      long h = height - subHeightC * (top + bottom);
      if (w <= 0 || h <= 0) {
        throw new HevcException("conf_win offsets: " + left + "/" + right + "/" + top + "/" + bottom
            + " leave nothing of " + width + "x" + height);
      }
      width = (int) w;
      height = (int) h;
    }
    int lumaDepth = 8 + r.ue("bit_depth_luma_minus8", 8);
    int chromaDepth = 8 + r.ue("bit_depth_chroma_minus8", 8);
    return new HevcSps(profileSpace, tier, profileIdc, levelIdc, chroma, width, height, lumaDepth, chromaDepth);
  }
}
