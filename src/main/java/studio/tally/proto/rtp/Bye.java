package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * BYE (RFC 3550 §6.6), PT 203, SC = number of SSRCs, then an optional reason
 * {@code length(8) text}, padded to 32 bits.
 */
public record Bye(List<Integer> ssrcs, String reason) implements RtcpPacket {

  public Bye {
    ssrcs = List.copyOf(ssrcs);
  }

  static Bye parse(RtcpReader r, int count) {
    List<Integer> ssrcs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ssrcs.add(r.i32("BYE SSRC"));
    }
    String reason = null;
    if (r.remaining() > 0) {
      int len = r.u8("BYE reason length");
      reason = new String(r.bytes(len, "BYE reason"), StandardCharsets.UTF_8);
    }
    return new Bye(ssrcs, reason);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, ssrcs.size(), BYE);
    ssrcs.forEach(out::writeInt);
    if (reason != null) {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      out.writeByte(Math.min(255, text.length));
      out.writeBytes(text, 0, Math.min(255, text.length));
    }
    RtcpPacket.finish(out, start);
  }
}
