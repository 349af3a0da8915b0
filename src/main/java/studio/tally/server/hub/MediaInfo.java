package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** What a stream carries, read from its sequence headers (for the API and the logs). */
public record MediaInfo(Video video, Audio audio) {

  public record Video(String codec, String profile, String level, int width, int height) {}

  public record Audio(String codec, int sampleRate, int channels, String profile) {}

  public static MediaInfo of(LiveStream s) {
    Video video = null;
    Audio audio = null;
    for (MediaTag t : s.configSnapshot()) {
      try {
        if (t.kind() == MediaTag.Kind.VIDEO) {
          video = video(t.body());
        } else if (t.kind() == MediaTag.Kind.AUDIO) {
          audio = audio(t.body());
        }
      } finally {
        t.release();
      }
    }
    return new MediaInfo(video, audio);
  }

  static Video video(ByteBuf body) {
    int b0 = body.getUnsignedByte(body.readerIndex());
    String codec;
    if ((b0 & 0x80) != 0 && body.readableBytes() >= 5) {
      String fourcc = body.toString(body.readerIndex() + 1, 4, StandardCharsets.US_ASCII);
      codec = switch (fourcc) {
        case "avc1" -> "H264";
        case "hvc1" -> "H265";
        case "av01" -> "AV1";
        case "vp09" -> "VP9";
        default -> fourcc;
      };
    } else {
      codec = switch (b0 & 0x0F) {
        case 7 -> "H264";
        case 12 -> "H265";
        default -> "codec-" + (b0 & 0x0F);
      };
    }
    return new Video(codec, "", "", 0, 0);
  }

  static Audio audio(ByteBuf body) {
    int format = body.getUnsignedByte(body.readerIndex()) >> 4;
    String codec = switch (format) {
      case 10 -> "AAC";
      case 2 -> "MP3";
      case 9 -> "ex";
      default -> "format-" + format;
    };
    return new Audio(codec, 0, 0, "");
  }
}
