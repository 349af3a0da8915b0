package studio.tally.output;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import studio.tally.media.StreamFormat;
import studio.tally.proto.amf.AmfEcmaArray;
import studio.tally.proto.rtmp.RtmpChunkStreamId;
import studio.tally.proto.rtmp.RtmpData;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpMessageType;

/**
 * FLV tag bodies for RTMP media messages (FLV spec 10.1, annex E; Enhanced RTMP v1 for HEVC/AV1).
 *
 * <pre>
 *  AVC:  |frame type(4) 1 key, 2 inter|codec id(4) = 7| packet type(8) 0 seq header, 1 NALUs| composition time SI24 | data
 *  E-RTMP: |1|frame type(3)|packet type(4) 0 SequenceStart, 1 CodedFrames| FourCC(32) | [SI24 cts, hvc1 only] | data
 *  AAC:  0xAF (format 10, 44 kHz, 16 bit, stereo: fixed for AAC) | packet type 0 ASC, 1 raw | data
 * </pre>
 */
final class FlvTags {
  private FlvTags() {}

  static boolean enhanced(String codec) {
    return !"h264".equals(codec);
  }

  static byte[] fourCc(String codec) {
    return switch (codec) {
      case "hevc", "h265" -> "hvc1".getBytes(StandardCharsets.US_ASCII);
      case "av1" -> "av01".getBytes(StandardCharsets.US_ASCII);
      default -> throw new IllegalArgumentException("no RTMP mapping for video codec '" + codec + "'");
    };
  }

  static RtmpMessage metadata(StreamFormat format, long timestamp, int streamId, ByteBufAllocator alloc) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("duration", 0.0);
    if (format.video() != null) {
      StreamFormat.Video v = format.video();
      m.put("width", (double) v.width());
      m.put("height", (double) v.height());
      m.put("videodatarate", (double) v.bitrateKbps());
      m.put("framerate", v.fps());
      m.put("videocodecid", enhanced(v.codec()) ? (double) Unpooled.wrappedBuffer(fourCc(v.codec())).getUnsignedInt(0) : 7.0);
    }
    if (format.audio() != null) {
      StreamFormat.Audio a = format.audio();
      m.put("audiodatarate", (double) a.bitrateKbps());
      m.put("audiosamplerate", (double) a.sampleRate());
      m.put("audiosamplesize", 16.0);
      m.put("stereo", a.channels() >= 2);
      m.put("audiocodecid", 10.0);
    }
    m.put("encoder", "Tally");
    m.put("filesize", 0.0);
    return new RtmpData(RtmpData.SET_DATA_FRAME, RtmpData.ON_META_DATA, new AmfEcmaArray(m))
        .toMessage(RtmpChunkStreamId.STREAM_COMMAND, timestamp, streamId, alloc);
  }

  static RtmpMessage videoSequenceHeader(StreamFormat.Video v, long timestamp, int streamId) {
    ByteBuf body;
    if (enhanced(v.codec())) {
      body = Unpooled.wrappedBuffer(new byte[] {(byte) (0x80 | 1 << 4)}, fourCc(v.codec()), v.decoderConfig());
    } else {
      body = Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0}, v.decoderConfig());
    }
    return new RtmpMessage(RtmpChunkStreamId.VIDEO, RtmpMessageType.VIDEO, timestamp, streamId, body);
  }

  static RtmpMessage audioSequenceHeader(StreamFormat.Audio a, long timestamp, int streamId) {
    ByteBuf body = Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0}, a.audioSpecificConfig());
    return new RtmpMessage(RtmpChunkStreamId.AUDIO, RtmpMessageType.AUDIO, timestamp, streamId, body);
  }

  static RtmpMessage frame(SendQueue.Frame f, String videoCodec, int streamId) {
    if (!f.video()) {
      return new RtmpMessage(RtmpChunkStreamId.AUDIO, RtmpMessageType.AUDIO, f.timestampMs(), streamId,
          Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1}, f.data()));
    }
    int cts = f.compositionMs();
    byte[] header;
    if (!enhanced(videoCodec)) {
      header = new byte[] {(byte) (f.keyframe() ? 0x17 : 0x27), 1, (byte) (cts >> 16), (byte) (cts >> 8), (byte) cts};
    } else {
      byte[] fourCc = fourCc(videoCodec);
      boolean withCts = fourCc[0] == 'h';
      header = new byte[withCts ? 8 : 5];
      header[0] = (byte) (0x80 | (f.keyframe() ? 1 : 2) << 4 | 1);
      System.arraycopy(fourCc, 0, header, 1, 4);
      if (withCts) {
        header[5] = (byte) (cts >> 16);
        header[6] = (byte) (cts >> 8);
        header[7] = (byte) cts;
      }
    }
    return new RtmpMessage(RtmpChunkStreamId.VIDEO, RtmpMessageType.VIDEO, f.timestampMs(), streamId,
        Unpooled.wrappedBuffer(header, f.data()));
  }

  /**
   * Whether an H.264 access unit (AVCC, 4-byte lengths) is disposable: every VCL NAL unit has
   * nal_ref_idc 0, so no other frame refers to it. False for other codecs and for malformed data.
   */
  static boolean disposable(String codec, byte[] au) {
    if (!"h264".equals(codec)) return false;
    boolean sawVcl = false;
    int i = 0;
    while (i + 5 <= au.length) {
      int len = (au[i] & 0xFF) << 24 | (au[i + 1] & 0xFF) << 16 | (au[i + 2] & 0xFF) << 8 | (au[i + 3] & 0xFF);
      if (len <= 0 || len > au.length - i - 4) return false;
      int header = au[i + 4] & 0xFF;
      int type = header & 0x1F;
      if (type >= 1 && type <= 5) {
        if ((header & 0x60) != 0) return false;
        sawVcl = true;
      }
      i += 4 + len;
    }
    return sawVcl;
  }
}
