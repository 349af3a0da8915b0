package studio.tally.proto.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class AudioTagHeaderTest {
  private static ByteBuf buf(String hex) {
    return Unpooled.wrappedBuffer(TestVectors.hex(hex));
  }

  @Test
  void aacFromFfmpeg() {
    ByteBuf body = Unpooled.wrappedBuffer(TestVectors.hex(AudioTagHeaderTest.class, "../aac/aac_22k_stereo.audio.hex"));
    AudioTagHeader h = AudioTagHeader.parse(body);
    assertThat(h.codec()).isEqualTo(AudioCodec.AAC);
    assertThat(h.codec().apiName()).isEqualTo("AAC");
    assertThat(h.soundRateHz()).isEqualTo(44100); // AAC always says 44 kHz; the ASC says 22050
    assertThat(h.sixteenBit()).isTrue();
    assertThat(h.stereo()).isTrue();
    assertThat(h.isSequenceHeader()).isTrue();
    assertThat(h.payloadOffset()).isEqualTo(2);
    assertThat(AudioTagHeader.isSequenceHeader(body)).isTrue();
    assertThat(AudioTagHeader.isSequenceHeader(buf("af01 2110"))).isFalse();
  }

  @Test
  void mp3FromFfmpeg() {
    ByteBuf body = Unpooled.wrappedBuffer(TestVectors.hex(AudioTagHeaderTest.class, "mp3_44k.audio.hex"));
    AudioTagHeader h = AudioTagHeader.parse(body);
    assertThat(h.codec()).isEqualTo(AudioCodec.MP3);
    assertThat(h.soundRateHz()).isEqualTo(44100);
    assertThat(h.stereo()).isFalse();
    assertThat(h.payloadOffset()).isEqualTo(1);
    assertThat(h.isSequenceHeader()).isFalse();
    assertThat(AudioTagHeader.isSequenceHeader(body)).isFalse();
  }

  @Test
  void legacyOpusAsSrsSendsIt() {
    AudioTagHeader h = AudioTagHeader.parse(buf("df 00 4f707573486561640102"));
    assertThat(h.codec()).isEqualTo(AudioCodec.OPUS);
    assertThat(h.isSequenceHeader()).isTrue();
  }

  @Test
  void enhancedAudio() {
    AudioTagHeader opus = AudioTagHeader.parse(buf("90 4f707573 4f707573486561640102"));
    assertThat(opus.enhanced()).isTrue();
    assertThat(opus.codec()).isEqualTo(AudioCodec.OPUS);
    assertThat(opus.fourCc()).isEqualTo("Opus");
    assertThat(opus.isSequenceHeader()).isTrue();
    assertThat(opus.payloadOffset()).isEqualTo(5);
    assertThat(AudioTagHeader.isSequenceHeader(buf("90 4f707573 00"))).isTrue();
    assertThat(AudioTagHeader.parse(buf("91 6d703461 21")).codec()).isEqualTo(AudioCodec.AAC);
    assertThat(AudioTagHeader.parse(buf("91 664c6143")).codec()).isEqualTo(AudioCodec.FLAC);
    assertThat(AudioTagHeader.parse(buf("91 2e6d7033")).codec()).isEqualTo(AudioCodec.MP3);
    assertThat(AudioTagHeader.parse(buf("91 61632d33")).codec()).isEqualTo(AudioCodec.AC3);
    assertThat(AudioTagHeader.parse(buf("91 65632d33")).codec()).isEqualTo(AudioCodec.EAC3);
    assertThat(AudioTagHeader.parse(buf("94 4f707573 00")).packetType()).isEqualTo(AudioPacketType.MULTICHANNEL_CONFIG);
    // ModEx then CodedFrames
    AudioTagHeader modEx = AudioTagHeader.parse(buf("97 02 000001 01 4f707573 fc"));
    assertThat(modEx.packetType()).isEqualTo(AudioPacketType.CODED_FRAMES);
    assertThat(modEx.payloadOffset()).isEqualTo(10);
    // Multitrack ManyTracks | SequenceStart, 'mp4a', track 1, size 2, ASC
    AudioTagHeader multi = AudioTagHeader.parse(buf("95 10 6d703461 01 000002 1210"));
    assertThat(multi.trackId()).isEqualTo(1);
    assertThat(multi.isSequenceHeader()).isTrue();
    assertThat(multi.payloadOffset()).isEqualTo(10);
  }

  @Test
  void malformedBodiesFailWithTheField() {
    assertThatThrownBy(() -> AudioTagHeader.parse(Unpooled.EMPTY_BUFFER)).isInstanceOf(FlvException.class)
        .hasMessageContaining("AudioTagHeader");
    assertThatThrownBy(() -> AudioTagHeader.parse(buf("af"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("AACPacketType");
    assertThatThrownBy(() -> AudioTagHeader.parse(buf("af 02"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("AACPacketType: reserved value 2");
    assertThatThrownBy(() -> AudioTagHeader.parse(buf("93 4f707573"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("AudioPacketType: reserved value 3");
    assertThatThrownBy(() -> AudioTagHeader.parse(buf("90 4f70"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("audioFourCc");
    assertThatThrownBy(() -> AudioTagHeader.parse(buf("95 15 4f707573"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("inside Multitrack");
    assertThatThrownBy(() -> AudioTagHeader.parse(buf("95 10 4f707573 00 0000ff 00"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("sizeOfAudioTrack");
    assertThat(AudioTagHeader.isSequenceHeader(buf("93 4f707573"))).isFalse();
  }
}
