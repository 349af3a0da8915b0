package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.proto.av1.Av1CodecConfigurationRecord;
import studio.tally.proto.av1.Av1SequenceHeader;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.H264Sps;
import studio.tally.proto.hevc.HevcDecoderConfigurationRecord;
import studio.tally.proto.hevc.HevcSps;

/**
 * What the SRS-compatible stream API reports ({@code video{codec,profile,level,width,height}},
 * {@code audio{codec,sample_rate,channel,profile}}), read from sequence header tag bodies.
 */
public final class StreamCodecInfo {
  private StreamCodecInfo() {}

  /** Video codec facts; profile/level are null and sizes 0 when the codec config is not understood. */
  public record Video(String codec, String profile, String level, int width, int height, double fps) {}

  /** Audio codec facts; profile is null when the codec has none. */
  public record Audio(String codec, int sampleRate, int channels, String profile) {}

  /**
   * From a video sequence header body (AVC, HEVC or AV1, legacy or enhanced).
   *
   * @throws studio.tally.proto.ProtocolException (subclasses) on malformed bodies or configs
   * @throws IllegalArgumentException if the body is not a sequence header
   */
  public static Video video(ByteBuf body) {
    VideoTagHeader h = VideoTagHeader.parse(body);
    if (!h.isSequenceHeader()) {
      throw new IllegalArgumentException("not a video sequence header: " + h);
    }
    ByteBuf config = body.slice(body.readerIndex() + h.payloadOffset(), body.readableBytes() - h.payloadOffset());
    String name = h.codec().apiName();
    return switch (h.codec()) {
      case AVC -> {
        H264Sps sps = AvcDecoderConfigurationRecord.parse(config).parseSps();
        yield new Video(name, sps.profileName(), sps.levelName(), sps.width(), sps.height(), sps.fps());
      }
      case HEVC -> {
        HevcSps sps = HevcDecoderConfigurationRecord.parse(config).parseSps();
        yield new Video(name, sps.profileName(), sps.levelName(), sps.width(), sps.height(), 0);
      }
      case AV1 -> {
        if (h.packetType() != VideoPacketType.SEQUENCE_START) {
          yield new Video(name, null, null, 0, 0, 0);
        }
        Av1CodecConfigurationRecord r = Av1CodecConfigurationRecord.parse(config);
        Av1SequenceHeader seq = r.sequenceHeader();
        yield new Video(name, r.profileName(), r.levelName(), seq == null ? 0 : seq.maxFrameWidth(),
            seq == null ? 0 : seq.maxFrameHeight(), seq == null ? 0 : seq.fps());
      }
      default -> new Video(name, null, null, 0, 0, 0);
    };
  }

  /**
   * From an audio tag body: the AudioSpecificConfig of an AAC sequence header, the OpusHead of an
   * Opus one, else the legacy header fields.
   *
   * @throws studio.tally.proto.ProtocolException (subclasses) on malformed bodies or configs
   */
  public static Audio audio(ByteBuf body) {
    AudioTagHeader h = AudioTagHeader.parse(body);
    ByteBuf payload = body.slice(body.readerIndex() + h.payloadOffset(), body.readableBytes() - h.payloadOffset());
    String name = h.codec().apiName();
    if (h.codec() == AudioCodec.AAC && h.isSequenceHeader()) {
      AudioSpecificConfig asc = AudioSpecificConfig.parse(payload);
      return new Audio(name, asc.outputSampleRate(), asc.channels(), asc.profileName());
    }
    if (h.codec() == AudioCodec.OPUS && h.isSequenceHeader()) {
      return new Audio(name, 48000, opusHeadChannels(payload), null);
    }
    return new Audio(name, h.soundRateHz(), h.enhanced() ? 0 : (h.stereo() ? 2 : 1), null);
  }

  /**
   * OpusHead (RFC 7845 §5.1): "OpusHead" | version u8 | output channel count u8 | pre-skip u16le |
   * input sample rate u32le | ...
   */
  private static int opusHeadChannels(ByteBuf head) {
    int p = head.readerIndex();
    if (head.readableBytes() < 10 || head.getLong(p) != 0x4F70757348656164L) {
      throw new FlvException("OpusHead: missing magic or truncated");
    }
    return head.getUnsignedByte(p + 9);
  }
}
