package studio.tally.output;

import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import studio.tally.media.StreamFormat;
import studio.tally.proto.amf.AmfEcmaArray;
import studio.tally.proto.flv.FlvTagBodies;
import studio.tally.proto.rtmp.RtmpChunkStreamId;
import studio.tally.proto.rtmp.RtmpData;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpMessageType;

/**
 * The RTMP messages a publisher sends: @setDataFrame onMetaData from the stream's format, and the
 * media messages that carry FLV tag bodies ({@link FlvTagBodies}) on their chunk streams.
 */
final class RtmpMediaMessages {
  private RtmpMediaMessages() {}

  static RtmpMessage metadata(StreamFormat format, long timestamp, int streamId, ByteBufAllocator alloc) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("duration", 0.0);
    if (format.video() != null) {
      StreamFormat.Video v = format.video();
      m.put("width", (double) v.width());
      m.put("height", (double) v.height());
      m.put("videodatarate", (double) v.bitrateKbps());
      m.put("framerate", v.fps());
      m.put("videocodecid", FlvTagBodies.videoCodecId(v.codec()));
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
    return new RtmpMessage(RtmpChunkStreamId.VIDEO, RtmpMessageType.VIDEO, timestamp, streamId,
        FlvTagBodies.videoSequenceHeader(v.codec(), v.decoderConfig()));
  }

  static RtmpMessage audioSequenceHeader(StreamFormat.Audio a, long timestamp, int streamId) {
    return new RtmpMessage(RtmpChunkStreamId.AUDIO, RtmpMessageType.AUDIO, timestamp, streamId,
        FlvTagBodies.aacSequenceHeader(a.audioSpecificConfig()));
  }

  static RtmpMessage frame(SendQueue.Frame f, String videoCodec, int streamId) {
    if (!f.video()) {
      return new RtmpMessage(RtmpChunkStreamId.AUDIO, RtmpMessageType.AUDIO, f.timestampMs(), streamId,
          FlvTagBodies.aacFrame(f.data()));
    }
    return new RtmpMessage(RtmpChunkStreamId.VIDEO, RtmpMessageType.VIDEO, f.timestampMs(), streamId,
        FlvTagBodies.videoFrame(videoCodec, f.keyframe(), f.compositionMs(), f.data()));
  }
}
