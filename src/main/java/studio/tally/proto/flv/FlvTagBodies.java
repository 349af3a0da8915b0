package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * FLV tag bodies of encoded media (FLV spec 10.1, annex E; Enhanced RTMP v1 for HEVC/AV1), what an
 * RTMP media message or an FLV file tag carries after the tag header. Video codecs are named as
 * encoders name them: "h264", "hevc" (or "h265"), "av1".
 *
 * <pre>
 *  AVC:  |frame type(4) 1 key, 2 inter|codec id(4) = 7| packet type(8) 0 seq header, 1 NALUs| composition time SI24 | data
 *  E-RTMP: |1|frame type(3)|packet type(4) 0 SequenceStart, 1 CodedFrames| FourCC(32) | [SI24 cts, hvc1 only] | data
 *  AAC:  0xAF (format 10, 44 kHz, 16 bit, stereo: fixed for AAC) | packet type 0 ASC, 1 raw | data
 * </pre>
 *
 * The bodies wrap the given arrays (no copy): do not change them while the body is in use.
 */
public final class FlvTagBodies {
  private FlvTagBodies() {}

  /** True when the codec goes out as Enhanced RTMP (FourCC) rather than a legacy CodecID: all but H.264. */
  public static boolean enhanced(String codec) {
    return !"h264".equals(codec);
  }

  /** The Enhanced RTMP FourCC of an enhanced codec. */
  public static byte[] fourCc(String codec) {
    return switch (codec) {
      case "hevc", "h265" -> "hvc1".getBytes(StandardCharsets.US_ASCII);
      case "av1" -> "av01".getBytes(StandardCharsets.US_ASCII);
      default -> throw new IllegalArgumentException("no RTMP mapping for video codec '" + codec + "'");
    };
  }

  /** onMetaData's videocodecid: 7 for H.264, the FourCC as a number for an enhanced codec. */
  public static double videoCodecId(String codec) {
    return enhanced(codec) ? (double) Unpooled.wrappedBuffer(fourCc(codec)).getUnsignedInt(0) : 7.0;
  }

  /** The video sequence header: avcC (AVC packet type 0) or the enhanced codec's SequenceStart. */
  public static ByteBuf videoSequenceHeader(String codec, byte[] decoderConfig) {
    if (enhanced(codec)) {
      return Unpooled.wrappedBuffer(new byte[] {(byte) (0x80 | 1 << 4)}, fourCc(codec), decoderConfig);
    }
    return Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0}, decoderConfig);
  }

  /** The AAC sequence header (AACPacketType 0) carrying the AudioSpecificConfig. */
  public static ByteBuf aacSequenceHeader(byte[] audioSpecificConfig) {
    return Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0}, audioSpecificConfig);
  }

  /** One raw AAC frame (AACPacketType 1). */
  public static ByteBuf aacFrame(byte[] data) {
    return Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1}, data);
  }

  /**
   * One coded video frame: AVC NALUs (AVCC) with their composition time, or the enhanced codec's
   * CodedFrames (with the composition time for hvc1 only).
   */
  public static ByteBuf videoFrame(String codec, boolean keyframe, int compositionMs, byte[] data) {
    int cts = compositionMs;
    byte[] header;
    if (!enhanced(codec)) {
      header = new byte[] {(byte) (keyframe ? 0x17 : 0x27), 1, (byte) (cts >> 16), (byte) (cts >> 8), (byte) cts};
    } else {
      byte[] fourCc = fourCc(codec);
      boolean withCts = fourCc[0] == 'h';
      header = new byte[withCts ? 8 : 5];
      header[0] = (byte) (0x80 | (keyframe ? 1 : 2) << 4 | 1);
      System.arraycopy(fourCc, 0, header, 1, 4);
      if (withCts) {
        header[5] = (byte) (cts >> 16);
        header[6] = (byte) (cts >> 8);
        header[7] = (byte) cts;
      }
    }
    return Unpooled.wrappedBuffer(header, data);
  }
}
