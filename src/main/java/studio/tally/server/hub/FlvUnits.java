package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.flv.AudioCodec;
import studio.tally.proto.flv.AudioTagHeader;
import studio.tally.proto.flv.VideoCodec;
import studio.tally.proto.flv.VideoTagHeader;

/**
 * The FLV side of the neutral form: maps FLV tag bodies (legacy and Enhanced RTMP) to tracks and
 * access units. Pure; one instance per reader (it remembers each kind's current track).
 */
final class FlvUnits {
  private MediaTrack video;
  private MediaTrack audio;
  private long malformed;

  /** What one tag became: a new track config, a unit, or nothing (metadata, commands, unknown codecs). */
  sealed interface Mapped {}

  record Track(MediaTrack track) implements Mapped {}

  record Unit(AccessUnit unit) implements Mapped {}

  record Nothing() implements Mapped {}

  private static final Nothing NOTHING = new Nothing();

  /** Tags that could not be read (counted, skipped). */
  long malformed() {
    return malformed;
  }

  /** Maps one tag; a unit's payload is a slice of the tag's body (valid while the tag is). */
  Mapped map(MediaTag tag) {
    try {
      return switch (tag.kind()) {
        case VIDEO -> mapVideo(tag);
        case AUDIO -> mapAudio(tag);
        case SCRIPT -> NOTHING;
      };
    } catch (ProtocolException | IndexOutOfBoundsException | IllegalArgumentException e) {
      malformed++;
      return NOTHING;
    }
  }

  private Mapped mapVideo(MediaTag tag) {
    ByteBuf body = tag.body();
    VideoTagHeader h = VideoTagHeader.parse(body);
    MediaTrack.Codec codec = videoCodec(h.codec());
    ByteBuf payload = body.slice(body.readerIndex() + h.payloadOffset(), body.readableBytes() - h.payloadOffset());
    if (h.isSequenceHeader()) {
      video = new MediaTrack(MediaTrack.Kind.VIDEO, codec, ByteBufUtil.getBytes(payload));
      return new Track(video);
    }
    if (!h.isCodedFrame() || video == null || video.codec() != codec || !payload.isReadable()) {
      return NOTHING;
    }
    return new Unit(new AccessUnit(video, tag.timestamp(), h.compositionTime(), h.isKeyframe(), payload));
  }

  private Mapped mapAudio(MediaTag tag) {
    ByteBuf body = tag.body();
    AudioTagHeader h = AudioTagHeader.parse(body);
    MediaTrack.Codec codec = audioCodec(h.codec());
    ByteBuf payload = body.slice(body.readerIndex() + h.payloadOffset(), body.readableBytes() - h.payloadOffset());
    if (h.isSequenceHeader()) {
      audio = new MediaTrack(MediaTrack.Kind.AUDIO, codec, ByteBufUtil.getBytes(payload));
      return new Track(audio);
    }
    if (codec == MediaTrack.Codec.OPUS && audio == null) { // Opus needs no sequence header
      audio = new MediaTrack(MediaTrack.Kind.AUDIO, codec, null);
    }
    if (audio == null || audio.codec() != codec || !payload.isReadable()) {
      return NOTHING;
    }
    return new Unit(new AccessUnit(audio, tag.timestamp(), 0, true, payload));
  }

  static MediaTrack.Codec videoCodec(VideoCodec c) {
    return switch (c) {
      case AVC -> MediaTrack.Codec.H264;
      case HEVC -> MediaTrack.Codec.HEVC;
      case AV1 -> MediaTrack.Codec.AV1;
      case VP8 -> MediaTrack.Codec.VP8;
      case VP9 -> MediaTrack.Codec.VP9;
      default -> MediaTrack.Codec.OTHER;
    };
  }

  static MediaTrack.Codec audioCodec(AudioCodec c) {
    return switch (c) {
      case AAC -> MediaTrack.Codec.AAC;
      case OPUS -> MediaTrack.Codec.OPUS;
      default -> MediaTrack.Codec.OTHER;
    };
  }

  /**
   * The composition time of a legacy AVC/HEVC coded-frame tag, cheaply (no parse), or 0; used to
   * notice B-frames on the publish path. Enhanced tags are parsed.
   */
  static int compositionTime(ByteBuf body) {
    int at = body.readerIndex();
    if (body.readableBytes() < 5) {
      return 0;
    }
    int b0 = body.getUnsignedByte(at);
    if ((b0 & 0x80) == 0) {
      int codecId = b0 & 0x0F;
      if ((codecId != 7 && codecId != 12) || body.getUnsignedByte(at + 1) != 1) {
        return 0;
      }
      return body.getMedium(at + 2);
    }
    try {
      VideoTagHeader h = VideoTagHeader.parse(body);
      return h.isCodedFrame() ? h.compositionTime() : 0;
    } catch (ProtocolException | IndexOutOfBoundsException e) {
      return 0;
    }
  }
}
