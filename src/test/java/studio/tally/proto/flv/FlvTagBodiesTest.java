package studio.tally.proto.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** Tag bodies of encoded media, byte for byte (FLV spec annex E, Enhanced RTMP v1). */
class FlvTagBodiesTest {

  @Test
  void avcAndAac() {
    assertThat(bytes(FlvTagBodies.videoFrame("h264", true, 80, new byte[] {9}))).containsExactly(0x17, 1, 0, 0, 80, 9);
    assertThat(bytes(FlvTagBodies.videoFrame("h264", false, 0x10203, new byte[] {9}))).containsExactly(0x27, 1, 1, 2, 3, 9);
    assertThat(bytes(FlvTagBodies.videoSequenceHeader("h264", new byte[] {1, 2}))).containsExactly(0x17, 0, 0, 0, 0, 1, 2);
    assertThat(bytes(FlvTagBodies.aacSequenceHeader(new byte[] {0x12, 0x10}))).containsExactly(0xAF, 0, 0x12, 0x10);
    assertThat(bytes(FlvTagBodies.aacFrame(new byte[] {3}))).containsExactly(0xAF, 1, 3);
    assertThat(FlvTagBodies.videoCodecId("h264")).isEqualTo(7.0);
  }

  @Test
  void enhancedRtmpCarriesTheFourCcAndACompositionTimeForHevcOnly() {
    assertThat(bytes(FlvTagBodies.videoFrame("hevc", false, 80, new byte[] {9})))
        .containsExactly(0xA1, 'h', 'v', 'c', '1', 0, 0, 80, 9);
    assertThat(bytes(FlvTagBodies.videoFrame("h265", true, 80, new byte[] {9})))
        .containsExactly(0x91, 'h', 'v', 'c', '1', 0, 0, 80, 9);
    assertThat(bytes(FlvTagBodies.videoFrame("av1", true, 80, new byte[] {9}))).containsExactly(0x91, 'a', 'v', '0', '1', 9);
    assertThat(bytes(FlvTagBodies.videoSequenceHeader("av1", new byte[] {7}))).containsExactly(0x90, 'a', 'v', '0', '1', 7);
    assertThat(FlvTagBodies.videoCodecId("av1")).isEqualTo((double) 0x61763031L);
    assertThatThrownBy(() -> FlvTagBodies.fourCc("vp8")).hasMessageContaining("vp8");
  }

  private static int[] bytes(ByteBuf b) {
    int[] out = new int[b.readableBytes()];
    for (int i = 0; i < out.length; i++) out[i] = b.getUnsignedByte(b.readerIndex() + i);
    b.release();
    return out;
  }
}
