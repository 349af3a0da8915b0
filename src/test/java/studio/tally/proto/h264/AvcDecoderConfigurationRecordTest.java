package studio.tally.proto.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class AvcDecoderConfigurationRecordTest {

  private static byte[] record(String file) {
    byte[] tag = TestVectors.hex(AvcDecoderConfigurationRecordTest.class, file);
    return Arrays.copyOfRange(tag, 5, tag.length);
  }

  @Test
  void parsesX264HighProfileRecordWithExtension() {
    AvcDecoderConfigurationRecord r =
        AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(record("h264_1280x720_high.video.hex")));
    assertThat(r.profile()).isEqualTo(100);
    assertThat(r.compatibility()).isZero();
    assertThat(r.level()).isEqualTo(31);
    assertThat(r.nalLengthSize()).isEqualTo(4);
    assertThat(r.sps()).hasSize(1);
    assertThat(r.pps()).hasSize(1);
    assertThat(r.sps().getFirst()[0] & 0x1f).isEqualTo(NalUnits.SPS);
    assertThat(r.pps().getFirst()[0] & 0x1f).isEqualTo(NalUnits.PPS);
    assertThat(r.chromaFormat()).isEqualTo(1);
    assertThat(r.bitDepthLumaMinus8()).isZero();
  }

  @Test
  void writeReproducesTheBytesFfmpegWrote() {
    for (String f : new String[] {"h264_1280x720_high.video.hex", "h264_640x360_baseline.video.hex",
        "h264_1920x1080_main.video.hex", "h264_642x362_high444.video.hex"}) {
      byte[] bytes = record(f);
      AvcDecoderConfigurationRecord r = AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes));
      ByteBuf out = Unpooled.buffer();
      r.write(out);
      assertThat(ByteBufUtil.getBytes(out)).as(f).containsExactly(bytes);
      out.release();
    }
  }

  @Test
  void ofBuildsARecordFromSpsAndPps() {
    AvcDecoderConfigurationRecord src =
        AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(record("h264_640x360_baseline.video.hex")));
    AvcDecoderConfigurationRecord r = AvcDecoderConfigurationRecord.of(src.sps().getFirst(), src.pps().getFirst());
    ByteBuf out = Unpooled.buffer();
    r.write(out);
    assertThat(ByteBufUtil.getBytes(out)).containsExactly(record("h264_640x360_baseline.video.hex"));
    out.release();
  }

  @Test
  void everyTruncationFails() {
    byte[] bytes = record("h264_640x360_baseline.video.hex");
    for (int len = 0; len < bytes.length; len++) {
      ByteBuf cut = Unpooled.wrappedBuffer(bytes, 0, len);
      assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(cut)).as("length " + len)
          .isInstanceOf(H264Exception.class);
    }
  }

  @Test
  void badVersionAndLengthSize() {
    byte[] bytes = record("h264_640x360_baseline.video.hex");
    bytes[0] = 2;
    assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOf(H264Exception.class).hasMessageContaining("configurationVersion");
    bytes[0] = 1;
    bytes[4] = (byte) 0xfe;
    assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOf(H264Exception.class).hasMessageContaining("lengthSizeMinusOne");
    bytes[4] = (byte) 0xff;
    bytes[6] = (byte) 0xff; // SPS length 0xff19 > what is left
    assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOf(H264Exception.class).hasMessageContaining("sequenceParameterSetLength[0]");
  }
}
