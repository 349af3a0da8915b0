package studio.tally.proto.av1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import studio.tally.proto.BitWriter;
import studio.tally.proto.TestVectors;

class Av1CodecConfigurationRecordTest {

  /** SVT-AV1 av1C (command in the .hex file); ffprobe: Main, level 1 (= 2.1), 640x360. */
  @Test
  void parsesSvtAv1Record() {
    byte[] bytes = TestVectors.hex(Av1CodecConfigurationRecordTest.class, "av1_640x360.av1C.hex");
    Av1CodecConfigurationRecord r = Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes));
    assertThat(r.profileName()).isEqualTo("Main");
    assertThat(r.seqLevelIdx0()).isEqualTo(1);
    assertThat(r.levelName()).isEqualTo("2.1");
    assertThat(r.bitDepth()).isEqualTo(8);
    assertThat(r.chromaSubsamplingX()).isTrue();
    assertThat(r.sequenceHeader().maxFrameWidth()).isEqualTo(640);
    assertThat(r.sequenceHeader().maxFrameHeight()).isEqualTo(360);
  }

  @Test
  void sequenceHeaderWithTimingAndDecoderModel() {
    byte[] seq = new BitWriter().u(3, 0).flag(false).flag(false)
        .flag(true).u(32, 1).u(32, 30).flag(false) // timing_info: 30 fps
        .flag(true).u(5, 9).u(32, 1).u(5, 1).u(5, 1) // decoder model, 10-bit buffer delays
        .flag(true).u(5, 1) // initial display delay, 2 operating points
        .u(12, 0x101).u(5, 8).flag(true).flag(true).u(10, 5).u(10, 6).flag(false).flag(true).u(4, 3)
        .u(12, 0x103).u(5, 4).flag(false).flag(false)
        .u(4, 10).u(4, 10).u(11, 1919).u(11, 1079).bytes();
    byte[] av1c = new byte[4 + 2 + seq.length];
    av1c[0] = (byte) 0x81;
    av1c[1] = 0x08;
    av1c[4] = 0x0a; // OBU_SEQUENCE_HEADER with size
    av1c[5] = (byte) seq.length;
    System.arraycopy(seq, 0, av1c, 6, seq.length);
    Av1CodecConfigurationRecord r = Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(av1c));
    assertThat(r.sequenceHeader().maxFrameWidth()).isEqualTo(1920);
    assertThat(r.sequenceHeader().maxFrameHeight()).isEqualTo(1080);
    assertThat(r.sequenceHeader().levelName()).isEqualTo("4.0");
    assertThat(r.sequenceHeader().fps()).isEqualTo(30.0);
  }

  @Test
  void malformedRecordsFail() {
    byte[] bytes = TestVectors.hex(Av1CodecConfigurationRecordTest.class, "av1_640x360.av1C.hex");
    for (int len = 0; len < bytes.length; len++) {
      if (len == 4) {
        continue; // no configOBUs at all is allowed
      }
      ByteBuf cut = Unpooled.wrappedBuffer(bytes, 0, len);
      assertThatThrownBy(() -> Av1CodecConfigurationRecord.parse(cut)).as("length " + len)
          .isInstanceOf(Av1Exception.class);
    }
    assertThat(Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(bytes, 0, 4)).sequenceHeader()).isNull();
    byte[] bad = bytes.clone();
    bad[0] = 1;
    assertThatThrownBy(() -> Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(bad)))
        .isInstanceOf(Av1Exception.class).hasMessageContaining("marker");
    byte[] forbidden = bytes.clone();
    forbidden[4] |= (byte) 0x80;
    assertThatThrownBy(() -> Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(forbidden)))
        .isInstanceOf(Av1Exception.class).hasMessageContaining("obu_forbidden_bit");
  }
}
