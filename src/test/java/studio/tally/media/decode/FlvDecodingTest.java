package studio.tally.media.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.media.MediaException;
import studio.tally.proto.flv.AudioTagHeader;
import studio.tally.proto.flv.FlvTag;
import studio.tally.proto.flv.FlvTagReader;
import studio.tally.proto.flv.VideoTagHeader;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.PeerFiles;

/**
 * The decoders open from the FLV sequence headers FFmpeg 8.1 writes (avcC, hvcC, AudioSpecificConfig)
 * and the first keyframe gives a picture at once: no probing, no lookahead.
 */
class FlvDecodingTest {

  private static List<FlvTag> flvFrom(String videoCodec, String... extra) throws Exception {
    Path file = PeerFiles.newDir("flv-decode").resolve("clip.flv");
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "1", "-c:v", videoCodec,
        "-pix_fmt", "yuv420p", "-g", "10", "-bf", "0", "-c:a", "aac"));
    args.addAll(List.of(extra));
    args.addAll(List.of("-f", "flv", file.toString()));
    try (var ffmpeg = Ffmpeg.bundled().start(args)) {
      ffmpeg.waitForSuccess(Duration.ofSeconds(60));
    }
    List<FlvTag> tags = new ArrayList<>();
    try (var reader = new FlvTagReader()) {
      ByteBuf in = Unpooled.wrappedBuffer(Files.readAllBytes(file));
      reader.read(in, tags);
      in.release();
    }
    return tags;
  }

  private static byte[] payload(ByteBuf body, int offset) {
    return ByteBufUtil.getBytes(body, body.readerIndex() + offset, body.readableBytes() - offset);
  }

  private static void decodeVideo(List<FlvTag> tags, VideoDecoder.Codec codec) {
    VideoDecoder decoder = null;
    int coded = 0;
    List<Integer> perPacket = new ArrayList<>();
    List<String> sizes = new ArrayList<>();
    try {
      for (FlvTag t : tags) {
        if (!t.isVideo()) continue;
        VideoTagHeader h = VideoTagHeader.parse(t.body());
        byte[] data = payload(t.body(), h.payloadOffset());
        if (h.isSequenceHeader()) {
          decoder = VideoDecoder.open(codec, data);
        } else if (h.isCodedFrame()) {
          coded++;
          long dts = t.timestamp() * 1000;
          perPacket.add(decoder.decode(data, 0, data.length, dts + h.compositionTime() * 1000L, dts, h.isKeyframe(),
              p -> sizes.add(p.width() + "x" + p.height())));
        }
      }
      assertThat(decoder).as("a sequence header opened the decoder").isNotNull();
      decoder.flush(p -> sizes.add("flushed"));
      assertThat(perPacket.getFirst()).as("the first keyframe decodes at once").isEqualTo(1);
      assertThat(sizes).hasSize(coded).containsOnly("320x240");
      assertThat(decoder.rejected()).isZero();
    } finally {
      if (decoder != null) decoder.close();
      tags.forEach(FlvTag::release);
    }
  }

  @Test
  void h264FromItsAvcCDecodesEveryFrameWithoutDelay() throws Exception {
    decodeVideo(flvFrom("libx264", "-tune", "zerolatency"), VideoDecoder.Codec.H264);
  }

  @Test
  void hevcFromItsHvcCDecodesEveryFrameWithoutDelay() throws Exception {
    decodeVideo(flvFrom("libx265", "-x265-params", "log-level=error:bframes=0"), VideoDecoder.Codec.HEVC);
  }

  @Test
  void aacFromItsAudioSpecificConfigGives1024SampleBlocks() throws Exception {
    List<FlvTag> tags = flvFrom("libx264");
    AudioDecoder decoder = null;
    List<DecodedAudio> blocks = new ArrayList<>();
    int raw = 0;
    try {
      for (FlvTag t : tags) {
        if (!t.isAudio()) continue;
        AudioTagHeader h = AudioTagHeader.parse(t.body());
        byte[] data = payload(t.body(), h.payloadOffset());
        if (h.isSequenceHeader()) {
          decoder = AudioDecoder.open(AudioDecoder.Codec.AAC, data);
        } else {
          raw++;
          decoder.decode(data, 0, data.length, t.timestamp() * 1000, blocks::add);
        }
      }
      assertThat(blocks).hasSizeGreaterThan(raw - 3).allSatisfy(b -> {
        assertThat(b.samples()).isEqualTo(1024);
        assertThat(b.sampleRate()).isEqualTo(48000);
        assertThat(b.channels()).isEqualTo(1);
      });
    } finally {
      if (decoder != null) decoder.close();
      tags.forEach(FlvTag::release);
    }
  }

  @Test
  void aGarbageConfigIsRefusedWithTheCodecNamed() {
    assertThatThrownBy(() -> AudioDecoder.open(AudioDecoder.Codec.AAC, new byte[] {(byte) 0xFF, (byte) 0xFF}))
        .isInstanceOf(MediaException.class).hasMessageContaining("AAC");
  }
}
