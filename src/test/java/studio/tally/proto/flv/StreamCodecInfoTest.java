package studio.tally.proto.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class StreamCodecInfoTest {
  private static ByteBuf vector(String path) {
    return Unpooled.wrappedBuffer(TestVectors.hex(StreamCodecInfoTest.class, path));
  }

  private static ByteBuf enhanced(String header, String path) {
    return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(TestVectors.hex(header)), vector(path));
  }

  @Test
  void videoFromEveryCodec() {
    assertThat(StreamCodecInfo.video(vector("../h264/h264_1920x1080_main.video.hex")))
        .isEqualTo(new StreamCodecInfo.Video("H264", "Main", "4", 1920, 1080, 30));
    assertThat(StreamCodecInfo.video(enhanced("90 68766331", "../hevc/hevc_1920x1080.hvcC.hex")))
        .isEqualTo(new StreamCodecInfo.Video("H265", "Main", "4", 1920, 1080, 0));
    assertThat(StreamCodecInfo.video(enhanced("1c 00 000000", "../hevc/hevc_1280x720.hvcC.hex")))
        .isEqualTo(new StreamCodecInfo.Video("H265", "Main", "3.1", 1280, 720, 0));
    assertThat(StreamCodecInfo.video(enhanced("90 61763031", "../av1/av1_640x360.av1C.hex")))
        .isEqualTo(new StreamCodecInfo.Video("AV1", "Main", "2.1", 640, 360, 0));
    assertThatThrownBy(() -> StreamCodecInfo.video(Unpooled.wrappedBuffer(TestVectors.hex("27 01 000000"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void audioFromAacOpusAndLegacy() {
    assertThat(StreamCodecInfo.audio(vector("../aac/aac_22k_stereo.audio.hex")))
        .isEqualTo(new StreamCodecInfo.Audio("AAC", 22050, 2, "LC"));
    assertThat(StreamCodecInfo.audio(Unpooled.wrappedBuffer(TestVectors.hex("90 4f707573 4f70757348656164 01 02 3801 80bb0000 0000 00"))))
        .isEqualTo(new StreamCodecInfo.Audio("Opus", 48000, 2, null));
    assertThat(StreamCodecInfo.audio(vector("mp3_44k.audio.hex")))
        .isEqualTo(new StreamCodecInfo.Audio("MP3", 44100, 1, null));
    assertThatThrownBy(() -> StreamCodecInfo.audio(Unpooled.wrappedBuffer(TestVectors.hex("90 4f707573 4f707573"))))
        .isInstanceOf(FlvException.class).hasMessageContaining("OpusHead");
  }
}
