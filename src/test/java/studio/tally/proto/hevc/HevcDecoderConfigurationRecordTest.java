package studio.tally.proto.hevc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class HevcDecoderConfigurationRecordTest {

  /** x265 hvcC boxes (commands in the .hex files); expectations from ffprobe. 1080 needs the conformance window. */
  @ParameterizedTest
  @CsvSource({"hevc_1280x720.hvcC.hex, 1280, 720, 93, 3.1", "hevc_1920x1080.hvcC.hex, 1920, 1080, 120, 4"})
  void parsesX265Records(String file, int width, int height, int levelIdc, String level) {
    byte[] bytes = TestVectors.hex(HevcDecoderConfigurationRecordTest.class, file);
    HevcDecoderConfigurationRecord r = HevcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes));
    assertThat(r.profileIdc()).isEqualTo(1);
    assertThat(r.levelIdc()).isEqualTo(levelIdc);
    assertThat(r.nalLengthSize()).isEqualTo(4);
    assertThat(r.chromaFormat()).isEqualTo(1);
    assertThat(r.nalUnits(HevcDecoderConfigurationRecord.VPS)).hasSize(1);
    assertThat(r.nalUnits(HevcDecoderConfigurationRecord.PPS)).hasSize(1);
    HevcSps sps = r.parseSps();
    assertThat(sps.profileName()).isEqualTo("Main");
    assertThat(sps.levelIdc()).isEqualTo(levelIdc);
    assertThat(sps.levelName()).isEqualTo(level);
    assertThat(sps.width()).isEqualTo(width);
    assertThat(sps.height()).isEqualTo(height);
    assertThat(sps.bitDepthLuma()).isEqualTo(8);

    ByteBuf out = Unpooled.buffer();
    r.write(out);
    // min_spatial_segmentation/parallelism/temporal fields are written as 0; the rest is identical
    byte[] written = ByteBufUtil.getBytes(out);
    out.release();
    assertThat(written).hasSameSizeAs(bytes);
    assertThat(HevcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(written)).parseSps()).isEqualTo(sps);
  }

  @Test
  void malformedRecordsFail() {
    byte[] bytes = TestVectors.hex(HevcDecoderConfigurationRecordTest.class, "hevc_1280x720.hvcC.hex");
    for (int len : new int[] {0, 10, 22, 24, 27, 40, 100}) {
      ByteBuf cut = Unpooled.wrappedBuffer(bytes, 0, len);
      assertThatThrownBy(() -> HevcDecoderConfigurationRecord.parse(cut)).as("length " + len)
          .isInstanceOf(HevcException.class);
    }
    byte[] v0 = bytes.clone();
    v0[0] = 0;
    assertThatThrownBy(() -> HevcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(v0)))
        .isInstanceOf(HevcException.class).hasMessageContaining("configurationVersion");
    assertThatThrownBy(() -> HevcSps.parse(new byte[] {0x40, 1, 0})).isInstanceOf(HevcException.class)
        .hasMessageContaining("nal_unit_type");
    assertThatThrownBy(() -> HevcSps.parse(new byte[] {0x42, 1, 0x0e, 0})).isInstanceOf(HevcException.class)
        .hasMessageContaining("sps_max_sub_layers_minus1");
  }
}
