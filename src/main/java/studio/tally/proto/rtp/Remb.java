package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/**
 * REMB (draft-alvestrand-rmcat-remb-03 §2.2): PSFB (PT 206), FMT 15 "application layer feedback".
 * <pre>
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
 * |   SSRC feedback × Num SSRC                                    |
 * </pre>
 * bitrate = mantissa · 2^exp bits per second.
 */
public record Remb(int senderSsrc, long bitrate, int[] ssrcs) implements RtcpPacket {
  public static final int FMT = 15;
  private static final int REMB = 0x52454d42;

  /** True when the PSFB FMT 15 body at the reader is a REMB (the unique identifier matches). */
  static boolean isRemb(RtcpReader r) {
    return r.remaining() >= 12 && r.buffer().getInt(r.position() + 8) == REMB;
  }

  static Remb parse(RtcpReader r) {
    int sender = r.i32("REMB sender SSRC");
    r.i32("REMB media SSRC");
    r.i32("REMB identifier");
    int n = r.u8("REMB num SSRC");
    int v = r.u24("REMB bitrate");
    int exp = v >>> 18;
    long mantissa = v & 0x3ffff;
    // saturate instead of overflowing past 2^63 (exp goes to 63, the mantissa has 18 bits)
    long bitrate = mantissa != 0 && exp > Long.numberOfLeadingZeros(mantissa) - 1 ? Long.MAX_VALUE : mantissa << exp;
    int[] ssrcs = new int[n];
    for (int i = 0; i < n; i++) {
      ssrcs[i] = r.i32("REMB SSRC feedback");
    }
    return new Remb(sender, bitrate, ssrcs);
  }

  @Override
  public void write(ByteBuf out) {
    if (bitrate < 0 || ssrcs.length > 255) {
      throw new IllegalArgumentException("rtcp: REMB bitrate " + bitrate + " with " + ssrcs.length + " SSRCs");
    }
    int exp = 0;
    long mantissa = bitrate;
    while (mantissa > 0x3ffff) { // rounds down, as receivers expect a bound
      mantissa >>>= 1;
      exp++;
    }
    int start = RtcpPacket.writeHeader(out, FMT, PSFB);
    out.writeInt(senderSsrc);
    out.writeInt(0);
    out.writeInt(REMB);
    out.writeByte(ssrcs.length);
    out.writeMedium(exp << 18 | (int) mantissa);
    for (int s : ssrcs) {
      out.writeInt(s);
    }
    RtcpPacket.finish(out, start);
  }
}
