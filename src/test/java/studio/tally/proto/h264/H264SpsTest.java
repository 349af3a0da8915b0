package studio.tally.proto.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import studio.tally.proto.BitWriter;
import studio.tally.proto.TestVectors;

class H264SpsTest {

  /** Real x264 sequence headers (see the .hex files for the ffmpeg commands); expectations from ffprobe. */
  @ParameterizedTest
  @CsvSource({
      "h264_1280x720_high.video.hex,    100, High,                 3.1, 1280, 720,  30, 1",
      "h264_640x360_baseline.video.hex, 66,  Constrained Baseline, 3,   640,  360,  25, 1",
      "h264_1920x1080_main.video.hex,   77,  Main,                 4,   1920, 1080, 30, 1",
      "h264_854x480_high.video.hex,     100, High,                 3.1, 854,  480,  30, 1",
      "h264_642x362_high444.video.hex,  244, High 4:4:4 Predictive, 3,  642,  362,  30, 3",
  })
  void parsesRealX264Streams(String file, int profileIdc, String profile, String level, int width, int height,
      double fps, int chroma) {
    byte[] tag = TestVectors.hex(H264SpsTest.class, file);
    AvcDecoderConfigurationRecord record =
        AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(tag, 5, tag.length - 5));
    H264Sps sps = record.parseSps();
    assertThat(sps.profileIdc()).isEqualTo(profileIdc).isEqualTo(record.profile());
    assertThat(sps.profileName()).isEqualTo(profile);
    assertThat(sps.levelName()).isEqualTo(level);
    assertThat(sps.width()).isEqualTo(width);
    assertThat(sps.height()).isEqualTo(height);
    assertThat(sps.fps()).isEqualTo(fps);
    assertThat(sps.chromaFormatIdc()).isEqualTo(chroma);
    assertThat(sps.frameMbsOnly()).isTrue();
  }

  /** A hand-built SPS: interlaced, 4:2:0, cropping in field units (H.264 §7.4.2.1.1, eq. 7-19/7-20). */
  @Test
  void interlacedCroppingUsesFieldUnits() {
    BitWriter w = new BitWriter().u(8, 77).u(8, 0).u(8, 40).ue(0) // Main, level 4
        .ue(0).ue(0).ue(0) // log2_max_frame_num_minus4, poc type 0, log2_max_poc_lsb_minus4
        .ue(4).flag(false) // max_num_ref_frames, gaps
        .ue(119).ue(33) // 120 MBs wide, 34 map units high
        .flag(false).flag(false).flag(true) // frame_mbs_only=0, mbaff, direct_8x8
        .flag(true).ue(0).ue(0).ue(0).ue(2) // crop bottom 2 × CropUnitY (2 × 2) = 8
        .flag(false);
    H264Sps sps = H264Sps.parse(nal(w.rbsp()));
    assertThat(sps.width()).isEqualTo(1920);
    assertThat(sps.height()).isEqualTo(2 * 34 * 16 - 8);
    assertThat(sps.frameMbsOnly()).isFalse();
    assertThat(sps.fps()).isZero();
  }

  @Test
  void scalingListsAndPocType1AreSkippedCorrectly() {
    BitWriter w = new BitWriter().u(8, 100).u(8, 0).u(8, 51).ue(3)
        .ue(1).ue(0).ue(0).flag(false) // 4:2:0, 8 bit, no bypass
        .flag(true); // seq_scaling_matrix_present_flag
    for (int i = 0; i < 8; i++) {
      w.flag(i == 0 || i == 6);
      if (i == 0) {
        for (int j = 0; j < 16; j++) {
          w.se(j == 0 ? 5 : 1);
        }
      } else if (i == 6) {
        w.se(-8); // next scale 0: the rest of the list repeats, nothing more coded
      }
    }
    w.ue(0).ue(1).flag(true).se(-3).se(2).ue(2).se(1).se(-1) // poc type 1 with a 2-entry cycle
        .ue(1).flag(false).ue(39).ue(29).flag(true).flag(true).flag(false) // 640x480, no crop
        .flag(true) // VUI
        .flag(true).u(8, 255).u(16, 4).u(16, 3) // extended SAR
        .flag(false).flag(true).u(3, 5).flag(true).flag(true).u(24, 0x010101)
        .flag(true).ue(1).ue(1) // chroma loc
        .flag(true).u(32, 1001).u(32, 60000).flag(true);
    H264Sps sps = H264Sps.parse(nal(w.rbsp()));
    assertThat(sps.width()).isEqualTo(640);
    assertThat(sps.height()).isEqualTo(480);
    assertThat(sps.levelName()).isEqualTo("5.1");
    assertThat(sps.spsId()).isEqualTo(3);
    assertThat(sps.fps()).isEqualTo(60000 / 2002.0);
  }

  @Test
  void levelOneB() {
    assertThat(H264Sps.levelName(66, 0x10, 11)).isEqualTo("1b");
    assertThat(H264Sps.levelName(100, 0x10, 11)).isEqualTo("1.1");
    assertThat(H264Sps.levelName(100, 0, 9)).isEqualTo("1b");
  }

  @Test
  void absurdValuesFailWithTheFieldName() {
    assertThatThrownBy(() -> H264Sps.parse(nal(header(100).ue(32).rbsp())))
        .isInstanceOf(H264Exception.class).hasMessageContaining("seq_parameter_set_id");
    assertThatThrownBy(() -> H264Sps.parse(nal(header(100).ue(0).ue(4).rbsp())))
        .isInstanceOf(H264Exception.class).hasMessageContaining("chroma_format_idc");
    assertThatThrownBy(() -> H264Sps.parse(nal(header(66).ue(0).ue(0).ue(7).rbsp())))
        .isInstanceOf(H264Exception.class).hasMessageContaining("pic_order_cnt_type");
    assertThatThrownBy(() -> H264Sps.parse(nal(header(66).ue(0).ue(0).ue(2).ue(1).flag(false)
        .ue(100_000).rbsp())))
        .isInstanceOf(H264Exception.class).hasMessageContaining("pic_width_in_mbs_minus1");
    assertThatThrownBy(() -> H264Sps.parse(nal(header(66).ue(0).ue(0).ue(2).ue(1).flag(false)
        .ue(0).ue(0).flag(true).flag(true).flag(true).ue(5).ue(5).ue(0).ue(0).flag(false).rbsp())))
        .isInstanceOf(H264Exception.class).hasMessageContaining("frame_crop");
    assertThatThrownBy(() -> H264Sps.parse(nal(new BitWriter().u(8, 0).ue(0).u(31, 0).bytes())))
        .isInstanceOf(H264Exception.class);
  }

  @Test
  void truncationAndWrongNalType() {
    byte[] tag = TestVectors.hex(H264SpsTest.class, "h264_1280x720_high.video.hex");
    byte[] sps = AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(tag, 5, tag.length - 5)).sps().getFirst();
    for (int len = 0; len < sps.length - 4; len++) { // the last 4 bytes hold VUI fields after timing_info, not read
      byte[] cut = Arrays.copyOf(sps, len);
      assertThatThrownBy(() -> H264Sps.parse(cut)).isInstanceOf(H264Exception.class);
    }
    byte[] pps = sps.clone();
    pps[0] = 0x68;
    assertThatThrownBy(() -> H264Sps.parse(pps)).isInstanceOf(H264Exception.class).hasMessageContaining("nal_unit_type");
  }

  private static BitWriter header(int profile) {
    return new BitWriter().u(8, profile).u(8, 0).u(8, 30);
  }

  private static byte[] nal(byte[] rbsp) {
    byte[] escaped = studio.tally.proto.bits.Rbsp.escape(rbsp);
    byte[] nal = new byte[escaped.length + 1];
    nal[0] = 0x67;
    System.arraycopy(escaped, 0, nal, 1, escaped.length);
    return nal;
  }
}
