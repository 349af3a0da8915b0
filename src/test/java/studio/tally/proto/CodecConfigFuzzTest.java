package studio.tally.proto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.proto.av1.Av1CodecConfigurationRecord;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.H264Sps;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.hevc.HevcDecoderConfigurationRecord;
import studio.tally.proto.hevc.HevcSps;

/**
 * Raw bytes straight into every codec-config parser (reaching the bit-level parsers faster than
 * through FLV framing). Only {@link ProtocolException}s may escape. Seeds:
 * {@code src/test/resources/studio/tally/proto/CodecConfigFuzzTestInputs/parseConfigs/}.
 */
class CodecConfigFuzzTest {

  @FuzzTest
  void parseConfigs(byte[] data) {
    if (data.length == 0) {
      return;
    }
    // The first byte picks the parser so each seed exercises the one it was made for.
    byte[] rest = java.util.Arrays.copyOfRange(data, 1, data.length);
    try {
      switch ((data[0] & 0xff) % 7) {
        case 0 -> H264Sps.parse(rest);
        case 1 -> AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(rest)).parseSps();
        case 2 -> AudioSpecificConfig.parse(rest);
        case 3 -> HevcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(rest)).parseSps();
        case 4 -> HevcSps.parse(rest);
        case 5 -> Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(rest));
        default -> {
          NalUnits.splitAnnexB(Unpooled.wrappedBuffer(rest));
          NalUnits.splitAvcc(Unpooled.wrappedBuffer(rest), 4);
        }
      }
    } catch (ProtocolException expected) {
      // malformed input must be reported this way and no other
    }
  }
}
