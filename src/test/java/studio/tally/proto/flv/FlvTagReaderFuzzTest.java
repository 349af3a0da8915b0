package studio.tally.proto.flv;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.proto.av1.Av1CodecConfigurationRecord;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.hevc.HevcDecoderConfigurationRecord;

/**
 * Arbitrary bytes, split at fuzzer-chosen points, through {@link FlvTagReader} and every tag body
 * through the tag-header and codec-config parsers (AVC/HEVC/AV1 records and SPS, AAC config). Only {@link ProtocolException}s may escape, and
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
    TrackingAllocator alloc = new TrackingAllocator();
    List<FlvTag> tags = new ArrayList<>();
    FlvTagReader reader = new FlvTagReader(new FlvTagReader.Limits(limit, checkSizes), fileHeader);
    try {
      while (data.remainingBytes() > 0) {
        int n = data.consumeInt(1, 4096);
        byte[] bytes = data.consumeBytes(n);
        ByteBuf piece = alloc.heapBuffer(bytes.length).writeBytes(bytes);
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
    alloc.assertAllReleased();
  }

  /** Records every buffer it hands out (the reader allocates partial bodies from its input's allocator). */
  private static final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> buffers = new ArrayList<>();

    TrackingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
      buffers.add(b);
      return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    void assertAllReleased() {
      for (ByteBuf b : buffers) {
        if (b.refCnt() != 0) {
          throw new AssertionError("leaked buffer " + b + " refCnt " + b.refCnt());
        }
      }
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
        } else if (h.codec() == VideoCodec.HEVC && h.isSequenceHeader()) {
          HevcDecoderConfigurationRecord.parse(payload).parseSps();
        } else if (h.codec() == VideoCodec.AV1 && h.packetType() == VideoPacketType.SEQUENCE_START) {
          Av1CodecConfigurationRecord.parse(payload);
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
