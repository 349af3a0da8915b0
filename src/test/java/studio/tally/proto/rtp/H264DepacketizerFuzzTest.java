package studio.tally.proto.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.TrackingAllocator;

/**
 * Fuzz target: arbitrary RTP payloads with fuzzer-chosen sequence numbers into one depacketizer.
 * Only {@link ProtocolException}s may escape and every buffer (fragments, NAL slices) is released.
 * Input: records of [seq delta (1 byte)][length (1 byte)][payload]. Seeds in
 * {@code H264DepacketizerFuzzTestInputs/depacketizeArbitraryPayloads/}.
 */
class H264DepacketizerFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void depacketizeArbitraryPayloads(byte[] input) {
    TrackingAllocator alloc = new TrackingAllocator();
    List<ByteBuf> nals = new ArrayList<>();
    int seq = 65530;
    try (H264Depacketizer d = new H264Depacketizer(alloc)) {
      for (int i = 0; i + 2 <= input.length; ) {
        seq = (seq + (input[i] & 0xff) - 0x7f) & 0xffff;
        int n = Math.min(input[i + 1] & 0xff, input.length - i - 2);
        ByteBuf payload = alloc.heapBuffer(n).writeBytes(input, i + 2, n);
        i += 2 + n;
        try {
          H264Depacketizer.startsKeyframe(payload);
          d.depacketize(payload, seq, nals);
        } catch (ProtocolException expected) {
          // refused payload
        } finally {
          payload.release();
        }
        H264Depacketizer.isKeyframe(nals);
        nals.forEach(ByteBuf::release);
        nals.clear();
      }
    }
    if (alloc.live() != 0) {
      throw new AssertionError(alloc.live() + " buffers leaked");
    }
  }
}
