package studio.tally.proto.av1;

import studio.tally.proto.bits.BitReader;
import studio.tally.proto.bits.BitstreamException;

/**
 * The start of sequence_header_obu() (AV1 Bitstream & Decoding Process §5.5.1), read up to the
 * maximum frame size.
 *
 * <pre>
 * seq_profile u(3) still_picture u(1) reduced_still_picture_header u(1)
 * reduced: seq_level_idx[0] u(5)
 * else: timing_info_present_flag u(1) [timing_info(): num_units_in_display_tick u(32) time_scale u(32)
 *         equal_picture_interval u(1) [num_ticks_per_picture_minus_1 uvlc()]
 *         decoder_model_info_present_flag u(1) [buffer_delay_length_minus_1 u(5)
 *         num_units_in_decoding_tick u(32) buffer_removal_time_length_minus_1 u(5)
 *         frame_presentation_time_length_minus_1 u(5)]]
 *       initial_display_delay_present_flag u(1) operating_points_cnt_minus_1 u(5)
 *       per operating point: operating_point_idc u(12) seq_level_idx u(5) [>7: seq_tier u(1)]
 *         [decoder_model_present_for_this_op u(1) [decoder_buffer_delay u(n) encoder_buffer_delay u(n)
 *         low_delay_mode_flag u(1)]] [initial_display_delay_present_for_this_op u(1) [u(4)]]
 * frame_width_bits_minus_1 u(4) frame_height_bits_minus_1 u(4)
 * max_frame_width_minus_1 u(n) max_frame_height_minus_1 u(n)
 * </pre>
 */
public record Av1SequenceHeader(int seqProfile, int seqLevelIdx0, int maxFrameWidth, int maxFrameHeight,
    long numUnitsInDisplayTick, long timeScale) {

  static String levelName(int seqLevelIdx) {
    if (seqLevelIdx == 31) {
      return "Max";
    }
    return (2 + (seqLevelIdx >> 2)) + "." + (seqLevelIdx & 3);
  }

  static String profileName(int seqProfile) {
    return switch (seqProfile) {
      case 0 -> "Main";
      case 1 -> "High";
      case 2 -> "Professional";
      default -> "Unknown(" + seqProfile + ")";
    };
  }

  public String profileName() {
    return profileName(seqProfile);
  }

  public String levelName() {
    return levelName(seqLevelIdx0);
  }

  /** Frames per second from timing_info, or 0 when absent. */
  public double fps() {
    return numUnitsInDisplayTick > 0 && timeScale > 0 ? (double) timeScale / numUnitsInDisplayTick : 0;
  }

  static Av1SequenceHeader parse(BitReader r) {
    try {
      int profile = r.ui(3, "seq_profile");
      if (profile > 2) {
        throw new Av1Exception("seq_profile: reserved value " + profile);
      }
      r.flag("still_picture");
      int level0;
      long tick = 0;
      long scale = 0;
      if (r.flag("reduced_still_picture_header")) {
        level0 = r.ui(5, "seq_level_idx[0]");
      } else {
        boolean decoderModelInfo = false;
        int bufferDelayLength = 0;
        if (r.flag("timing_info_present_flag")) {
          tick = r.u(32, "num_units_in_display_tick");
          scale = r.u(32, "time_scale");
          if (r.flag("equal_picture_interval")) {
            r.uvlc("num_ticks_per_picture_minus_1");
          }
          decoderModelInfo = r.flag("decoder_model_info_present_flag");
          if (decoderModelInfo) {
            bufferDelayLength = r.ui(5, "buffer_delay_length_minus_1") + 1;
            r.skip(32 + 5 + 5, "num_units_in_decoding_tick/..._length_minus_1");
          }
        }
        boolean initialDisplayDelay = r.flag("initial_display_delay_present_flag");
        int points = r.ui(5, "operating_points_cnt_minus_1") + 1;
        level0 = 0;
        for (int i = 0; i < points; i++) {
          r.skip(12, "operating_point_idc");
          int level = r.ui(5, "seq_level_idx");
          if (i == 0) {
            level0 = level;
          }
          if (level > 7) {
            r.flag("seq_tier");
          }
          if (decoderModelInfo && r.flag("decoder_model_present_for_this_op")) {
            r.skip(2L * bufferDelayLength + 1, "operating_parameters_info");
          }
          if (initialDisplayDelay && r.flag("initial_display_delay_present_for_this_op")) {
            r.skip(4, "initial_display_delay_minus_1");
          }
        }
      }
      int widthBits = r.ui(4, "frame_width_bits_minus_1") + 1;
      int heightBits = r.ui(4, "frame_height_bits_minus_1") + 1;
      long width = r.u(widthBits, "max_frame_width_minus_1") + 1;
      long height = r.u(heightBits, "max_frame_height_minus_1") + 1;
      return new Av1SequenceHeader(profile, level0, (int) width, (int) height, tick, scale);
    } catch (BitstreamException e) {
      throw new Av1Exception("sequence_header_obu " + e.getMessage(), e);
    }
  }
}
