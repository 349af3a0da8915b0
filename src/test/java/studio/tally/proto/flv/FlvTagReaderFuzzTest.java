package studio.tally.proto.flv;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.NalUnits;

/**
 * Arbitrary bytes, split at fuzzer-chosen points, through {@link FlvTagReader} and every tag body
 * through the tag-header and codec-config parsers. Only {@link ProtocolException}s may escape, and
 * nothing may leak (the tests run with Netty's PARANOID leak detector). Seeds live in
 * {@code src/test/resources/studio/tally/proto/flv/FlvTagReaderFuzzTestInputs/readTags/}; in a normal
 * test run Jazzer replays them (regression mode).
 */
class FlvTagReaderFuzzTest {

  @FuzzTest
  void readTags(FuzzedDataProvider data) {
    boolean fileHeader = data.consumeBoolean();
    boolean checkSizes = data.consumeBoolean();
    int limit = data.consumeInt(0, 1 << 20);
    List<FlvTag> tags = new ArrayList<>();
    FlvTagReader reader = new FlvTagReader(new FlvTagReader.Limits(limit, checkSizes), fileHeader);
    try {
      while (data.remainingBytes() > 0) {
        int n = data.consumeInt(1, 4096);
        ByteBuf piece = Unpooled.wrappedBuffer(data.consumeBytes(n));
        try {
          reader.read(piece, tags);
        } finally {
          piece.release();
        }
      }
    } catch (ProtocolException expected) {
      // malformed input is fine; it must be reported this way
    } finally {
      reader.close();
    }
    try {
      for (FlvTag tag : tags) {
        parseBody(tag);
      }
    } finally {
      tags.forEach(FlvTag::release);
    }
  }

  private static void parseBody(FlvTag tag) {
    ByteBuf body = tag.body();
    try {
      if (tag.isVideo()) {
        VideoTagHeader.isKeyframe(body);
        VideoTagHeader.isSequenceHeader(body);
        VideoTagHeader h = VideoTagHeader.parse(body);
        ByteBuf payload = body.slice(body.readerIndex() + h.payloadOffset(), body.readableBytes() - h.payloadOffset());
        if (h.codec() == VideoCodec.AVC && h.isSequenceHeader()) {
          AvcDecoderConfigurationRecord.parse(payload).parseSps();
        } else if (h.codec() == VideoCodec.AVC && h.isCodedFrame()) {
          NalUnits.containsIdr(payload, 4);
          NalUnits.splitAvcc(payload, 4);
        }
      } else if (tag.isAudio()) {
        AudioTagHeader.isSequenceHeader(body);
        AudioTagHeader h = AudioTagHeader.parse(body);
        if (h.codec() == AudioCodec.AAC && h.isSequenceHeader()) {
          AudioSpecificConfig.parse(body.slice(body.readerIndex() + h.payloadOffset(),
              body.readableBytes() - h.payloadOffset()));
        }
      }
    } catch (ProtocolException expected) {
      // as above
    }
  }
}
