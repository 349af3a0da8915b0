package studio.tally.proto.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.H264Sps;

class FlvTagReaderTest {
  /** 1 s of 320x240 H.264 Main + AAC LC stereo 44.1 kHz from ffmpeg 5.1 (see README.md next to it). */
  static final byte[] FILE = TestVectors.bytes(FlvTagReaderTest.class, "av_320x240_aac.flv");

  static List<FlvTag> readInPieces(byte[] data, int piece) {
    List<FlvTag> tags = new ArrayList<>();
    try (FlvTagReader reader = new FlvTagReader(new FlvTagReader.Limits(16 << 20, true), true)) {
      for (int i = 0; i < data.length; i += piece) {
        ByteBuf in = Unpooled.copiedBuffer(data, i, Math.min(piece, data.length - i));
        try {
          reader.read(in, tags);
          assertThat(in.isReadable()).isFalse();
        } finally {
          in.release();
        }
      }
      assertThat(reader.atTagBoundary()).isTrue();
      assertThat(reader.header()).isEqualTo(new FlvHeader(true, true));
    }
    return tags;
  }

  @Test
  void readsFfmpegFileOneByteAtATime() {
    List<FlvTag> tags = readInPieces(FILE, 1);
    try {
      assertThat(tags).hasSize(79);
      assertThat(tags.getFirst().type()).isEqualTo(FlvTag.SCRIPT);
      assertThat(tags.stream().filter(FlvTag::isVideo).count()).isEqualTo(32);
      assertThat(tags.stream().filter(FlvTag::isAudio).count()).isEqualTo(46);
      assertThat(tags.stream().filter(t -> t.isVideo() && VideoTagHeader.isKeyframe(t.body())).count()).isEqualTo(2);

      FlvTag videoConfig = tags.stream().filter(t -> t.isVideo() && VideoTagHeader.isSequenceHeader(t.body()))
          .findFirst().orElseThrow();
      VideoTagHeader vh = VideoTagHeader.parse(videoConfig.body());
      assertThat(vh.codec()).isEqualTo(VideoCodec.AVC);
      H264Sps sps = AvcDecoderConfigurationRecord.parse(videoConfig.body().slice(
          videoConfig.body().readerIndex() + vh.payloadOffset(), videoConfig.body().readableBytes() - vh.payloadOffset()))
          .parseSps();
      assertThat(sps.width()).isEqualTo(320);
      assertThat(sps.height()).isEqualTo(240);
      assertThat(sps.profileName()).isEqualTo("Main");
      assertThat(sps.levelName()).isEqualTo("1.3");

      FlvTag audioConfig = tags.stream().filter(t -> t.isAudio() && AudioTagHeader.isSequenceHeader(t.body()))
          .findFirst().orElseThrow();
      AudioTagHeader ah = AudioTagHeader.parse(audioConfig.body());
      ByteBuf asc = audioConfig.body().slice(audioConfig.body().readerIndex() + ah.payloadOffset(), 2);
      AudioSpecificConfig config = AudioSpecificConfig.parse(asc);
      assertThat(config.profileName()).isEqualTo("LC");
      assertThat(config.sampleRate()).isEqualTo(44100);
      assertThat(config.channels()).isEqualTo(2);

      long last = -1;
      for (FlvTag t : tags) {
        if (t.isVideo()) {
          assertThat(t.timestamp()).isGreaterThanOrEqualTo(last);
          last = t.timestamp();
        }
      }
      assertThat(last).isBetween(900L, 1000L);
    } finally {
      tags.forEach(FlvTag::release);
    }
  }

  @Test
  void pieceSizeDoesNotChangeTheResult() {
    List<FlvTag> whole = readInPieces(FILE, FILE.length);
    for (int piece : new int[] {2, 3, 7, 11, 13, 100, 4096}) {
      List<FlvTag> pieces = readInPieces(FILE, piece);
      assertThat(pieces).hasSameSizeAs(whole);
      for (int i = 0; i < whole.size(); i++) {
        assertThat(pieces.get(i).timestamp()).isEqualTo(whole.get(i).timestamp());
        assertThat(ByteBufUtil.equals(pieces.get(i).body(), whole.get(i).body())).isTrue();
      }
      pieces.forEach(FlvTag::release);
    }
    whole.forEach(FlvTag::release);
  }

  @Test
  void reencodingTheTagsReproducesTheFile() {
    List<FlvTag> tags = readInPieces(FILE, 5);
    ByteBuf out = Unpooled.buffer(FILE.length);
    new FlvHeader(true, true).write(out);
    for (FlvTag t : tags) {
      ByteBuf encoded = FlvTagEncoder.encodeTag(ByteBufAllocator.DEFAULT, t); // takes the body
      out.writeBytes(encoded);
      encoded.release();
    }
    assertThat(ByteBufUtil.getBytes(out)).containsExactly(FILE);
    out.release();
  }

  @Test
  void badSignatureAndVersion() {
    byte[] bad = FILE.clone();
    bad[0] = 'G';
    assertThatThrownBy(() -> readInPieces(bad, 1)).isInstanceOf(FlvException.class).hasMessageContaining("Signature");
    byte[] v2 = FILE.clone();
    v2[3] = 2;
    assertThatThrownBy(() -> readInPieces(v2, 3)).isInstanceOf(FlvException.class).hasMessageContaining("Version");
    byte[] offset = FILE.clone();
    offset[8] = 3;
    assertThatThrownBy(() -> readInPieces(offset, 100)).isInstanceOf(FlvException.class).hasMessageContaining("DataOffset");
  }

  @Test
  void oversizeTagFailsBeforeAnyBodyIsBuffered() {
    ByteBuf in = Unpooled.buffer();
    new FlvHeader(false, true).write(in);
    in.writeByte(9).writeMedium(2_000_000).writeMedium(0).writeByte(0).writeMedium(0);
    List<FlvTag> out = new ArrayList<>();
    try (FlvTagReader reader = new FlvTagReader(new FlvTagReader.Limits(1 << 20, false), true)) {
      assertThatThrownBy(() -> reader.read(in, out)).isInstanceOf(FlvException.class)
          .hasMessageContaining("DataSize: 2000000 exceeds limit 1048576");
      ByteBuf more = Unpooled.wrappedBuffer(new byte[10]);
      assertThatThrownBy(() -> reader.read(more, out)).isInstanceOf(FlvException.class).hasMessageContaining("already failed");
      assertThat(more.isReadable()).isFalse();
    } finally {
      in.release();
    }
    assertThat(out).isEmpty();
  }

  @Test
  void truncatedStreamLeavesAPartialTagThatCloseReleases() {
    byte[] cut = Arrays.copyOf(FILE, 5000);
    List<FlvTag> tags = new ArrayList<>();
    FlvTagReader reader = new FlvTagReader();
    ByteBuf in = Unpooled.wrappedBuffer(cut, 0, 4000);
    reader.read(in, tags);
    ByteBuf rest = Unpooled.wrappedBuffer(cut, 4000, 1000);
    reader.read(rest, tags);
    assertThat(reader.atTagBoundary()).isFalse();
    reader.close(); // releases the partial body; PARANOID leak detection would report otherwise
    tags.forEach(FlvTag::release);
  }

  @Test
  void badPreviousTagSizeOnlyWhenChecked() {
    byte[] bad = FILE.clone();
    bad[12] = 1; // PreviousTagSize0 = 1
    assertThatThrownBy(() -> readInPieces(bad, 1)).isInstanceOf(FlvException.class).hasMessageContaining("PreviousTagSize");
    List<FlvTag> tags = new ArrayList<>();
    ByteBuf in = Unpooled.wrappedBuffer(bad);
    try (FlvTagReader lenient = new FlvTagReader()) {
      lenient.read(in, tags);
    }
    assertThat(tags).hasSize(79);
    tags.forEach(FlvTag::release);
  }

  @Test
  void encryptedTagsAreRejected() {
    ByteBuf in = Unpooled.buffer();
    in.writeByte(0x20 | 9).writeMedium(1).writeMedium(0).writeByte(0).writeMedium(0).writeByte(0x17);
    try (FlvTagReader reader = new FlvTagReader(FlvTagReader.Limits.DEFAULT, false)) {
      assertThatThrownBy(() -> reader.read(in, new ArrayList<>())).isInstanceOf(FlvException.class)
          .hasMessageContaining("Filter");
    } finally {
      in.release();
    }
  }

  @Test
  void extendedTimestampAndEmptyBody() {
    ByteBuf in = Unpooled.buffer();
    FlvTagEncoder.writeHeader(in, FlvTag.VIDEO, 0xFEDC_BA98L, 0);
    in.writeInt(11);
    List<FlvTag> out = new ArrayList<>();
    try (FlvTagReader reader = new FlvTagReader(FlvTagReader.Limits.DEFAULT, false)) {
      reader.read(in, out);
    } finally {
      in.release();
    }
    assertThat(out).hasSize(1);
    assertThat(out.getFirst().timestamp()).isEqualTo(0xFEDC_BA98L);
    assertThat(out.getFirst().body().readableBytes()).isZero();
    out.getFirst().release();
  }
}
