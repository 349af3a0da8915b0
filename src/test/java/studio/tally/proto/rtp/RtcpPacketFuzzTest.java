package studio.tally.proto.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import studio.tally.proto.ProtocolException;

/**
 * Fuzz target: arbitrary bytes as a compound RTCP packet. Parsing may only fail with a
 * {@link ProtocolException}; whatever parses is rebuilt, and the rebuilt bytes must parse again to
 * the same bytes (write ∘ parse is a fixed point after one round).
 * Seeds in {@code RtcpPacketFuzzTestInputs/parseAndRebuildCompound/}.
 */
class RtcpPacketFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parseAndRebuildCompound(byte[] input) {
    List<RtcpPacket> packets;
    try {
      packets = RtcpPacket.parseCompound(Unpooled.wrappedBuffer(input));
    } catch (ProtocolException expected) {
      return;
    }
    ByteBuf once = Unpooled.buffer();
    try {
      RtcpPacket.writeCompound(once, packets);
    } catch (IllegalArgumentException unrepresentable) {
      return; // e.g. a REMB bitrate that saturated on parse
    }
    List<RtcpPacket> again = RtcpPacket.parseCompound(once);
    ByteBuf twice = Unpooled.buffer();
    RtcpPacket.writeCompound(twice, again);
    if (!ByteBufUtil.equals(once, twice)) {
      throw new AssertionError("rebuild not stable:\n" + ByteBufUtil.hexDump(once) + "\n" + ByteBufUtil.hexDump(twice));
    }
  }
}
