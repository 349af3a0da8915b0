package studio.tally.proto.h264;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.bits.BitReader;
import studio.tally.proto.bits.BitstreamException;
import studio.tally.proto.bits.Rbsp;

/**
 * H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1, VUI §E.1.1), reduced to what a server and a
 * player report: profile, level, chroma format, bit depth, cropped picture size and frame rate.
 *
 * <pre>
 * NAL header (1) | profile_idc u(8) | constraint_set0..5_flag u(6) reserved_zero_2bits u(2) | level_idc u(8)
 * seq_parameter_set_id ue(v)
 * [profile_idc ∈ {100,110,122,244,44,83,86,118,128,138,139,134,135}:
 *    chroma_format_idc ue(v) [=3: separate_colour_plane_flag u(1)] bit_depth_luma_minus8 ue(v)
 *    bit_depth_chroma_minus8 ue(v) qpprime_y_zero_transform_bypass_flag u(1)
 *    seq_scaling_matrix_present_flag u(1) [8 or 12 × (flag u(1) [scaling_list(16 or 64)])]]
 * log2_max_frame_num_minus4 ue(v) pic_order_cnt_type ue(v) [0: log2_max_pic_order_cnt_lsb_minus4 ue(v)
 *   | 1: delta_pic_order_always_zero_flag u(1) offset_for_non_ref_pic se(v)
 *        offset_for_top_to_bottom_field se(v) num_ref_frames_in_pic_order_cnt_cycle ue(v) {se(v)}]
 * max_num_ref_frames ue(v) gaps_in_frame_num_value_allowed_flag u(1)
 * pic_width_in_mbs_minus1 ue(v) pic_height_in_map_units_minus1 ue(v)
 * frame_mbs_only_flag u(1) [0: mb_adaptive_frame_field_flag u(1)] direct_8x8_inference_flag u(1)
 * frame_cropping_flag u(1) [left, right, top, bottom offsets ue(v)] vui_parameters_present_flag u(1) [vui]
 * </pre>
 *
 * @param constraintFlags the byte after profile_idc: constraint_set0_flag is bit 7 (0x80)
 * @param fps time_scale / (2 × num_units_in_tick) from the VUI, or 0 when not signalled
 */
public record H264Sps(
    int profileIdc,
    int constraintFlags,
    int levelIdc,
    int spsId,
    int chromaFormatIdc,
    int bitDepthLuma,
    int bitDepthChroma,
    boolean frameMbsOnly,
    int width,
    int height,
    long numUnitsInTick,
    long timeScale,
    double fps) {

  /** Largest picture dimension in macroblocks we accept (level 6.2 allows 8192×4320 = 512×270 MBs). */
  static final int MAX_MBS = 1024;

  private static boolean hasChromaInfo(int profile) {
    return switch (profile) {
      case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
      default -> false;
    };
  }

  public boolean constraintSet(int i) {
    return (constraintFlags & (0x80 >>> i)) != 0;
  }

  /** Profile name as in Annex A (and as SRS reports it): "Baseline", "Constrained Baseline", "High"... */
  public String profileName() {
    return switch (profileIdc) {
      case 66 -> constraintSet(1) ? "Constrained Baseline" : "Baseline";
      case 77 -> "Main";
      case 88 -> "Extended";
      case 100 -> constraintSet(4) && constraintSet(5) ? "Constrained High"
          : constraintSet(4) ? "Progressive High" : "High";
      case 110 -> constraintSet(3) ? "High 10 Intra" : "High 10";
      case 122 -> constraintSet(3) ? "High 4:2:2 Intra" : "High 4:2:2";
      case 244 -> constraintSet(3) ? "High 4:4:4 Intra" : "High 4:4:4 Predictive";
      case 44 -> "CAVLC 4:4:4 Intra";
      case 83 -> "Scalable Baseline";
      case 86 -> "Scalable High";
      case 118 -> "Multiview High";
      case 128 -> "Stereo High";
      default -> "Unknown(" + profileIdc + ")";
    };
  }

  /** Level as text: "3", "3.1", "1b" (level_idc 11 with constraint_set3 in Baseline/Main/Extended, or 9). */
  public String levelName() {
    return levelName(profileIdc, constraintFlags, levelIdc);
  }

  static String levelName(int profileIdc, int constraintFlags, int levelIdc) {
    boolean oneB = levelIdc == 9
        || (levelIdc == 11 && (constraintFlags & 0x10) != 0 && (profileIdc == 66 || profileIdc == 77 || profileIdc == 88));
    if (oneB) {
      return "1b";
    }
    return levelIdc % 10 == 0 ? Integer.toString(levelIdc / 10) : (levelIdc / 10) + "." + (levelIdc % 10);
  }

  /** Parses an SPS NAL unit (with its one-byte NAL header, emulation prevention bytes still in). */
  public static H264Sps parse(byte[] nal) {
    if (nal.length < 4) {
      throw new H264Exception("SPS: " + nal.length + " bytes is too short");
    }
    int type = nal[0] & 0x1f;
    if (type != NalUnits.SPS) {
      throw new H264Exception("nal_unit_type: expected 7 (SPS), got " + type);
    }
    byte[] rbsp = Rbsp.unescape(nal, 1, nal.length - 1);
    try {
      return parseRbsp(new BitReader(rbsp));
    } catch (BitstreamException e) {
      throw new H264Exception("SPS " + e.getMessage(), e);
    }
  }

  /** Parses the readable bytes of an SPS NAL unit without moving its indexes. */
  public static H264Sps parse(ByteBuf nal) {
    byte[] b = new byte[nal.readableBytes()];
    nal.getBytes(nal.readerIndex(), b);
    return parse(b);
  }

  private static H264Sps parseRbsp(BitReader r) {
    int profile = r.ui(8, "profile_idc");
    int constraints = r.ui(8, "constraint_set_flags");
    int level = r.ui(8, "level_idc");
    int spsId = r.ue("seq_parameter_set_id", 31);
    int chroma = 1;
    boolean separatePlanes = false;
    int lumaDepth = 8;
    int chromaDepth = 8;
    if (hasChromaInfo(profile)) {
      chroma = r.ue("chroma_format_idc", 3);
      if (chroma == 3) {
        separatePlanes = r.flag("separate_colour_plane_flag");
      }
      lumaDepth = 8 + r.ue("bit_depth_luma_minus8", 6);
      chromaDepth = 8 + r.ue("bit_depth_chroma_minus8", 6);
      r.flag("qpprime_y_zero_transform_bypass_flag");
      if (r.flag("seq_scaling_matrix_present_flag")) {
        int lists = chroma != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (r.flag("seq_scaling_list_present_flag")) {
            skipScalingList(r, i < 6 ? 16 : 64);
          }
        }
      }
    }
    r.ue("log2_max_frame_num_minus4", 12);
    int pocType = r.ue("pic_order_cnt_type", 2);
    if (pocType == 0) {
      r.ue("log2_max_pic_order_cnt_lsb_minus4", 12);
    } else if (pocType == 1) {
      r.flag("delta_pic_order_always_zero_flag");
      r.se("offset_for_non_ref_pic");
      r.se("offset_for_top_to_bottom_field");
      int cycle = r.ue("num_ref_frames_in_pic_order_cnt_cycle", 255);
      for (int i = 0; i < cycle; i++) {
        r.se("offset_for_ref_frame");
      }
    }
    r.ue("max_num_ref_frames", 32);
    r.flag("gaps_in_frame_num_value_allowed_flag");
    int widthMbs = r.ue("pic_width_in_mbs_minus1", MAX_MBS - 1) + 1;
    int heightMapUnits = r.ue("pic_height_in_map_units_minus1", MAX_MBS - 1) + 1;
    boolean frameMbsOnly = r.flag("frame_mbs_only_flag");
    if (!frameMbsOnly) {
      r.flag("mb_adaptive_frame_field_flag");
    }
    r.flag("direct_8x8_inference_flag");
    int width = widthMbs * 16;
    int height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
    if (r.flag("frame_cropping_flag")) {
      int chromaArrayType = separatePlanes ? 0 : chroma;
      int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
      int subHeightC = chromaArrayType == 1 ? 2 : 1;
      int cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
      int cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
      long left = r.ue("frame_crop_left_offset");
      long right = r.ue("frame_crop_right_offset");
      long top = r.ue("frame_crop_top_offset");
      long bottom = r.ue("frame_crop_bottom_offset");
      long croppedWidth = width - cropUnitX * (left + right);
      long croppedHeight = height - cropUnitY * (top + bottom);
      if (croppedWidth <= 0 || croppedHeight <= 0) {
        throw new H264Exception("frame_crop offsets: crop " + left + "/" + right + "/" + top + "/" + bottom
            + " leaves nothing of " + width + "x" + height);
      }
      width = (int) croppedWidth;
      height = (int) croppedHeight;
    }
    long[] timing = {0, 0};
    if (r.flag("vui_parameters_present_flag")) {
      readVuiTiming(r, timing);
    }
    double fps = timing[0] > 0 && timing[1] > 0 ? timing[1] / (2.0 * timing[0]) : 0;
    return new H264Sps(profile, constraints, level, spsId, chroma, lumaDepth, chromaDepth, frameMbsOnly, width,
        height, timing[0], timing[1], fps);
  }

  /** scaling_list() (§7.3.2.1.1.1): only skipped, but delta_scale must stay in range. */
  private static void skipScalingList(BitReader r, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        int delta = r.se("delta_scale");
        if (delta < -128 || delta > 127) {
          throw new H264Exception("delta_scale: " + delta + " outside -128..127");
        }
        next = (last + delta + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  /** vui_parameters() (§E.1.1) up to timing_info; fills {num_units_in_tick, time_scale}. */
  private static void readVuiTiming(BitReader r, long[] timing) {
    if (r.flag("aspect_ratio_info_present_flag")) {
      if (r.ui(8, "aspect_ratio_idc") == 255) {
        r.skip(32, "sar_width/sar_height");
      }
    }
    if (r.flag("overscan_info_present_flag")) {
      r.flag("overscan_appropriate_flag");
    }
    if (r.flag("video_signal_type_present_flag")) {
      r.skip(4, "video_format/video_full_range_flag");
      if (r.flag("colour_description_present_flag")) {
        r.skip(24, "colour_primaries/transfer_characteristics/matrix_coefficients");
      }
    }
    if (r.flag("chroma_loc_info_present_flag")) {
      r.ue("chroma_sample_loc_type_top_field", 5);
      r.ue("chroma_sample_loc_type_bottom_field", 5);
    }
    if (r.flag("timing_info_present_flag")) {
      timing[0] = r.u(32, "num_units_in_tick");
      timing[1] = r.u(32, "time_scale");
    }
  }
}
