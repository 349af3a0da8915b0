package studio.tally.proto.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class VideoTagHeaderTest {
  private static ByteBuf buf(String hex) {
    return Unpooled.wrappedBuffer(TestVectors.hex(hex));
  }

  @Test
  void legacyAvcSequenceHeaderFromFfmpeg() {
    ByteBuf body = Unpooled.wrappedBuffer(TestVectors.hex(VideoTagHeaderTest.class, "../h264/h264_1280x720_high.video.hex"));
    VideoTagHeader h = VideoTagHeader.parse(body);
    assertThat(h.enhanced()).isFalse();
    assertThat(h.codec()).isEqualTo(VideoCodec.AVC);
    assertThat(h.codec().apiName()).isEqualTo("H264");
    assertThat(h.frameType()).isEqualTo(VideoFrameType.KEY);
    assertThat(h.isSequenceHeader()).isTrue();
    assertThat(h.isKeyframe()).isFalse();
    assertThat(h.payloadOffset()).isEqualTo(5);
    assertThat(VideoTagHeader.isSequenceHeader(body)).isTrue();
    assertThat(VideoTagHeader.isKeyframe(body)).isFalse();
    assertThat(body.readerIndex()).isZero();
  }

  @Test
  void legacyAvcFramesWithNegativeCompositionTime() {
    VideoTagHeader key = VideoTagHeader.parse(buf("17 01 000050 00000002 6588"));
    assertThat(key.isKeyframe()).isTrue();
    assertThat(key.compositionTime()).isEqualTo(80);
    VideoTagHeader inter = VideoTagHeader.parse(buf("27 01 ffffd8 00000002 4188"));
    assertThat(inter.frameType()).isEqualTo(VideoFrameType.INTER);
    assertThat(inter.compositionTime()).isEqualTo(-40);
    assertThat(inter.isKeyframe()).isFalse();
    assertThat(VideoTagHeader.parse(buf("17 02 000000")).packetType()).isEqualTo(VideoPacketType.SEQUENCE_END);
    // HEVC as CodecID 12, as SRS and Chinese CDNs send it
    VideoTagHeader hevc = VideoTagHeader.parse(buf("1c 00 000000 01"));
    assertThat(hevc.codec()).isEqualTo(VideoCodec.HEVC);
    assertThat(hevc.isSequenceHeader()).isTrue();
    assertThat(VideoTagHeader.isSequenceHeader(buf("1c 00 000000 01"))).isTrue();
  }

  @Test
  void legacyNonAvcCodecsAndCommands() {
    VideoTagHeader vp6 = VideoTagHeader.parse(buf("14 00 aabb"));
    assertThat(vp6.codec()).isEqualTo(VideoCodec.VP6);
    assertThat(vp6.payloadOffset()).isEqualTo(1);
    assertThat(VideoTagHeader.isKeyframe(buf("12 00"))).isTrue();
    VideoTagHeader cmd = VideoTagHeader.parse(buf("57 01"));
    assertThat(cmd.frameType()).isEqualTo(VideoFrameType.COMMAND);
    assertThat(cmd.command()).isEqualTo(1);
    assertThat(cmd.isCodedFrame()).isFalse();
    assertThat(VideoTagHeader.parse(buf("1f")).codec()).isEqualTo(VideoCodec.UNKNOWN);
  }

  @Test
  void enhancedHevcAndAv1() {
    // IsExHeader | KeyFrame | SequenceStart, 'hvc1'
    VideoTagHeader seq = VideoTagHeader.parse(buf("90 68766331 01"));
    assertThat(seq.enhanced()).isTrue();
    assertThat(seq.codec()).isEqualTo(VideoCodec.HEVC);
    assertThat(seq.fourCc()).isEqualTo("hvc1");
    assertThat(seq.isSequenceHeader()).isTrue();
    assertThat(seq.payloadOffset()).isEqualTo(5);
    // CodedFrames for hvc1 carries a composition time
    VideoTagHeader frame = VideoTagHeader.parse(buf("91 68766331 000021 00000001 26"));
    assertThat(frame.isKeyframe()).isTrue();
    assertThat(frame.compositionTime()).isEqualTo(33);
    assertThat(frame.payloadOffset()).isEqualTo(8);
    // CodedFramesX: no composition time
    VideoTagHeader x = VideoTagHeader.parse(buf("a3 68766331 00000001 02"));
    assertThat(x.frameType()).isEqualTo(VideoFrameType.INTER);
    assertThat(x.compositionTime()).isZero();
    assertThat(x.payloadOffset()).isEqualTo(5);
    // av01 CodedFrames: no composition time
    VideoTagHeader av1 = VideoTagHeader.parse(buf("91 61763031 0a0b"));
    assertThat(av1.codec()).isEqualTo(VideoCodec.AV1);
    assertThat(av1.payloadOffset()).isEqualTo(5);
    assertThat(VideoTagHeader.isKeyframe(buf("91 61763031 0a0b"))).isTrue();
    assertThat(VideoTagHeader.parse(buf("95 76703039 01")).packetType()).isEqualTo(VideoPacketType.MPEG2TS_SEQUENCE_START);
    assertThat(VideoTagHeader.parse(buf("90 76703039")).codec()).isEqualTo(VideoCodec.VP9);
    assertThat(VideoTagHeader.parse(buf("94 61766331 02")).packetType()).isEqualTo(VideoPacketType.METADATA);
    assertThat(VideoTagHeader.parse(buf("92 61766331")).packetType()).isEqualTo(VideoPacketType.SEQUENCE_END);
  }

  @Test
  void enhancedCommandModExAndMultitrack() {
    VideoTagHeader cmd = VideoTagHeader.parse(buf("d1 00"));
    assertThat(cmd.frameType()).isEqualTo(VideoFrameType.COMMAND);
    assertThat(cmd.command()).isZero();
    // ModEx: 3 bytes of TimestampOffsetNano, then modExType 0 | CodedFrames, 'avc1', CTS
    VideoTagHeader modEx = VideoTagHeader.parse(buf("97 02 0f4240 01 61766331 000000 00000001 65"));
    assertThat(modEx.codec()).isEqualTo(VideoCodec.AVC);
    assertThat(modEx.packetType()).isEqualTo(VideoPacketType.CODED_FRAMES);
    assertThat(modEx.payloadOffset()).isEqualTo(13);
    // Multitrack, ManyTracks (1) | SequenceStart, 'av01', track 0, size 2, payload
    VideoTagHeader multi = VideoTagHeader.parse(buf("96 10 61763031 00 000002 8101"));
    assertThat(multi.trackId()).isZero();
    assertThat(multi.codec()).isEqualTo(VideoCodec.AV1);
    assertThat(multi.isSequenceHeader()).isTrue();
    assertThat(multi.payloadOffset()).isEqualTo(10);
    // ManyTracksManyCodecs: FourCC with each track
    // (the composition time of CodedFrames sits inside the track, counted by sizeOfVideoTrack)
    VideoTagHeader many = VideoTagHeader.parse(buf("96 21 68766331 03 000004 00000a 00"));
    assertThat(many.codec()).isEqualTo(VideoCodec.HEVC);
    assertThat(many.compositionTime()).isEqualTo(10);
    assertThat(many.payloadOffset()).isEqualTo(13);
    assertThat(many.trackId()).isEqualTo(3);
    // OneTrack: no size
    assertThat(VideoTagHeader.parse(buf("96 00 61766331 05 01")).payloadOffset()).isEqualTo(7);
  }

  @Test
  void malformedBodiesFailWithTheField() {
    assertThatThrownBy(() -> VideoTagHeader.parse(Unpooled.EMPTY_BUFFER)).isInstanceOf(FlvException.class)
        .hasMessageContaining("VideoTagHeader");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("07 00 000000"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("VideoFrameType: reserved value 0");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("17 03 000000"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("AVCPacketType");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("17 01 00"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("CompositionTime");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("98 68766331"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("VideoPacketType: reserved value 8");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("90 6876"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("videoFourCc");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("97 ff 0000"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("modExData");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("96 16 61763031"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("inside Multitrack");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("96 30 61763031"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("videoMultitrackType");
    assertThatThrownBy(() -> VideoTagHeader.parse(buf("96 10 61763031 00 000009 00"))).isInstanceOf(FlvException.class)
        .hasMessageContaining("sizeOfVideoTrack");
    assertThat(VideoTagHeader.isKeyframe(buf("17 01"))).isFalse();
    assertThat(VideoTagHeader.isSequenceHeader(buf("98"))).isFalse();
  }
}
