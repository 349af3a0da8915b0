package studio.tally.proto.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import studio.tally.proto.ProtocolException;

/**
 * Fuzz target: arbitrary bytes as one RTP packet. Parsing may only fail with a
 * {@link ProtocolException}; a parsed packet's offsets stay inside it, its extension elements parse
 * or fail the same way, and in-place rewriting never touches bytes outside the header.
 * Seeds in {@code RtpPacketFuzzTestInputs/parseArbitraryPacket/}.
 */
class RtpPacketFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parseArbitraryPacket(byte[] input) {
    ByteBuf b = Unpooled.wrappedBuffer(input);
    RtpPacket p;
    try {
      p = RtpPacket.parse(b);
    } catch (ProtocolException expected) {
      return;
    }
    check(p.payloadOffset() + p.payloadLength() + p.paddingLength() == input.length, "lengths add up");
    check(p.payloadLength() >= 0 && p.payloadOffset() >= 12, "offsets");
    try {
      for (RtpExtension e : p.extensions(b, 0)) {
        check(e.offset() >= p.extensionOffset() && e.offset() + e.length() <= p.extensionOffset() + p.extensionLength(),
            "element inside the extension");
      }
      p.setExtension(b, 0, 1, new byte[] {1});
    } catch (ProtocolException | IllegalArgumentException expected) {
      // a malformed element list or an id the form cannot carry
    }
    byte[] payload = java.util.Arrays.copyOfRange(input, p.payloadOffset(), p.payloadOffset() + p.payloadLength());
    rewrittenCopiesParse(b, p, payload);
    RtpPacket.setSequence(b, 0, 1);
    RtpPacket.setTimestamp(b, 0, 2);
    RtpPacket.setSsrc(b, 0, 3);
    RtpPacket.setPayloadType(b, 0, 4);
    RtpPacket q = RtpPacket.parse(b);
    check(q.sequence() == 1 && q.timestamp() == 2 && q.ssrc() == 3 && q.payloadType() == 4, "rewrite");
    check(java.util.Arrays.equals(payload,
        java.util.Arrays.copyOfRange(input, q.payloadOffset(), q.payloadOffset() + q.payloadLength())), "payload kept");
  }

  /** What the SFU builds from a packet (renumbered extensions, RTX and back) parses, payload intact. */
  private static void rewrittenCopiesParse(ByteBuf in, RtpPacket p, byte[] payload) {
    ByteBuf out = Unpooled.buffer();
    RtpPacket.writeHeader(out, p.marker(), p.payloadType(), p.sequence(), p.timestamp(), p.ssrc(), p.csrcs(), null);
    if (new ExtensionIdMap(java.util.Map.of(1, 5, 2, 20, 3, 3)).write(out, in, 0, p)) {
      out.setByte(0, out.getByte(0) | 0x10);
    }
    out.writeBytes(payload);
    RtpPacket q = RtpPacket.parse(out);
    q.extensions(out, 0);
    check(q.payloadLength() == payload.length, "renumbered copy keeps the payload");

    ByteBuf rtx = Unpooled.buffer();
    Rtx.wrap(rtx, in, 0, p, 97, 9, 1, p.sequence(), p.timestamp());
    ByteBuf back = Unpooled.buffer();
    Rtx.unwrap(back, rtx, 0, RtpPacket.parse(rtx), p.payloadType(), p.ssrc());
    RtpPacket r = RtpPacket.parse(back);
    check(r.sequence() == p.sequence() && r.payloadLength() == payload.length, "RTX round trip");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
