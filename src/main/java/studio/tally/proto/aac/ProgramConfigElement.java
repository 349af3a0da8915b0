package studio.tally.proto.aac;

import studio.tally.proto.bits.BitReader;

/**
 * program_config_element() (ISO/IEC 14496-3 §4.4.1.1, Table 4.2), read only far enough to count
 * output channels (a CPE counts two, an SCE or LFE one). Used when channelConfiguration is 0.
 *
 * <pre>
 * element_instance_tag u(4) object_type u(2) sampling_frequency_index u(4)
 * num_front u(4) num_side u(4) num_back u(4) num_lfe u(2) num_assoc_data u(3) num_valid_cc u(4)
 * mono_mixdown_present u(1) [u(4)] stereo_mixdown_present u(1) [u(4)] matrix_mixdown_idx_present u(1) [u(3)]
 * front/side/back: is_cpe u(1) tag u(4) each; lfe, assoc: tag u(4) each; cc: u(5) each
 * byte_alignment() comment_field_bytes u(8) comment_field_data
 * </pre>
 */
final class ProgramConfigElement {
  private ProgramConfigElement() {}

  static int channels(BitReader r) {
    r.skip(10, "element_instance_tag/object_type/sampling_frequency_index");
    int front = r.ui(4, "num_front_channel_elements");
    int side = r.ui(4, "num_side_channel_elements");
    int back = r.ui(4, "num_back_channel_elements");
    int lfe = r.ui(2, "num_lfe_channel_elements");
    int assoc = r.ui(3, "num_assoc_data_elements");
    int cc = r.ui(4, "num_valid_cc_elements");
    if (r.flag("mono_mixdown_present")) {
      r.skip(4, "mono_mixdown_element_number");
    }
    if (r.flag("stereo_mixdown_present")) {
      r.skip(4, "stereo_mixdown_element_number");
    }
    if (r.flag("matrix_mixdown_idx_present")) {
      r.skip(3, "matrix_mixdown_idx/pseudo_surround_enable");
    }
    int channels = lfe;
    for (int i = 0; i < front + side + back; i++) {
      channels += r.flag("is_cpe") ? 2 : 1;
      r.skip(4, "element_tag_select");
    }
    r.skip(4L * lfe, "lfe_element_tag_select");
    r.skip(4L * assoc, "assoc_data_element_tag_select");
    r.skip(5L * cc, "cc_element_is_ind_sw/valid_cc_element_tag_select");
    r.skip((8 - r.bitPosition() % 8) % 8, "byte_alignment");
    r.skip(8L * r.ui(8, "comment_field_bytes"), "comment_field_data");
    if (channels == 0) {
      throw new AacException("program_config_element: no channels");
    }
    return channels;
  }
}
