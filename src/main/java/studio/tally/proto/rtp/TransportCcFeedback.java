package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): RTPFB (PT 205), FMT 15.
 * <pre>
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * |                     SSRC of packet sender                     |
 * |                      SSRC of media source                     |
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |   reference time: S24 × 64 ms
 * |          packet chunk         |         packet chunk          |   × n (16 bits each)
 * |         recv delta            |  recv delta   | zero padding  |
 * </pre>
 * Chunks: run length {@code 0|S(2)|run(13)}; status vector {@code 1|0|14 × 1-bit} or
 * {@code 1|1|7 × 2-bit}. Symbols: 0 not received, 1 small delta (U8), 2 large or negative delta
 * (S16); deltas in 250 µs, each relative to the previous received packet, the first to the
 * reference time.
 *
 * @param statuses one symbol per packet from the base sequence number (0, 1 or 2)
 * @param deltas one receive delta (250 µs ticks) per received packet, in order
 */
public record TransportCcFeedback(int senderSsrc, int mediaSsrc, int baseSequence, int referenceTime,
    int feedbackCount, byte[] statuses, int[] deltas) implements RtcpPacket {
  public static final int FMT = 15;
  public static final int NOT_RECEIVED = 0;
  public static final int SMALL_DELTA = 1;
  public static final int LARGE_DELTA = 2;
  public static final int DELTA_MICROS = 250;
  public static final int REFERENCE_MICROS = 64_000;

  public int packetStatusCount() {
    return statuses.length;
  }

  /** Arrival time in µs (on the reference time's clock) per packet, -1 when not received. */
  public long[] arrivalTimesMicros() {
    long[] out = new long[statuses.length];
    long t = (long) referenceTime * REFERENCE_MICROS;
    int d = 0;
    for (int i = 0; i < statuses.length; i++) {
      if (statuses[i] == NOT_RECEIVED) {
        out[i] = -1;
      } else {
        t += (long) deltas[d++] * DELTA_MICROS;
        out[i] = t;
      }
    }
    return out;
  }

  static TransportCcFeedback parse(RtcpReader r) {
    int sender = r.i32("TWCC sender SSRC");
    int media = r.i32("TWCC media SSRC");
    int base = r.u16("TWCC base sequence number");
    int count = r.u16("TWCC packet status count");
    int ref = (r.u24("TWCC reference time") << 8) >> 8;
    int fbCount = r.u8("TWCC fb pkt count");
    byte[] statuses = new byte[count];
    int n = 0;
    int received = 0;
    while (n < count) {
      int chunk = r.u16("TWCC packet chunk");
      if ((chunk & 0x8000) == 0) {
        int symbol = (chunk >>> 13) & 3;
        int run = Math.min(chunk & 0x1fff, count - n);
        checkSymbol(symbol);
        Arrays.fill(statuses, n, n + run, (byte) symbol);
        n += run;
        received += symbol == 0 ? 0 : run;
      } else {
        boolean twoBit = (chunk & 0x4000) != 0;
        int symbols = twoBit ? 7 : 14;
        for (int i = 0; i < symbols && n < count; i++) {
          int symbol = twoBit ? (chunk >>> (12 - 2 * i)) & 3 : (chunk >>> (13 - i)) & 1;
          checkSymbol(symbol);
          statuses[n++] = (byte) symbol;
          received += symbol == 0 ? 0 : 1;
        }
      }
    }
    int[] deltas = new int[received];
    int d = 0;
    for (byte s : statuses) {
      if (s == SMALL_DELTA) {
        deltas[d++] = r.u8("TWCC small recv delta");
      } else if (s == LARGE_DELTA) {
        deltas[d++] = (short) r.u16("TWCC large recv delta");
      }
    }
    return new TransportCcFeedback(sender, media, base, ref, fbCount, statuses, deltas);
  }

  private static void checkSymbol(int symbol) {
    if (symbol == 3) {
      throw new RtpException("rtcp: TWCC packet status symbol 3 is reserved");
    }
  }

  /**
   * Builds feedback from arrival times in µs keyed by transport-wide sequence number, extended
   * (unwrapped, see {@link SeqNum.Unwrapper}) so order across a wrap is unambiguous. Packets in the
   * range without an entry are reported lost.
   */
  public static TransportCcFeedback build(int senderSsrc, int mediaSsrc, int feedbackCount,
      NavigableMap<Long, Long> arrivalMicros) {
    if (arrivalMicros.isEmpty()) {
      throw new IllegalArgumentException("rtcp: TWCC feedback needs at least one packet");
    }
    long first = arrivalMicros.firstKey();
    long span = arrivalMicros.lastKey() - first + 1;
    if (span > 0xffff) {
      throw new IllegalArgumentException("rtcp: TWCC feedback spans " + span + " packets, at most 65535");
    }
    long firstArrival = arrivalMicros.firstEntry().getValue();
    int ref = (int) Math.floorDiv(firstArrival, REFERENCE_MICROS);
    byte[] statuses = new byte[(int) span];
    int[] deltas = new int[arrivalMicros.size()];
    long t = (long) ref * REFERENCE_MICROS;
    int d = 0;
    for (Map.Entry<Long, Long> e : arrivalMicros.entrySet()) {
      long ticks = Math.round((e.getValue() - t) / (double) DELTA_MICROS);
      if (ticks < Short.MIN_VALUE || ticks > Short.MAX_VALUE) {
        throw new IllegalArgumentException("rtcp: TWCC delta " + ticks * DELTA_MICROS + " µs out of range");
      }
      t += ticks * DELTA_MICROS; // follow the quantized clock so errors do not accumulate
      statuses[(int) (e.getKey() - first)] = (byte) (ticks >= 0 && ticks <= 255 ? SMALL_DELTA : LARGE_DELTA);
      deltas[d++] = (int) ticks;
    }
    return new TransportCcFeedback(senderSsrc, mediaSsrc, (int) (first & 0xffff), ref & 0xffffff,
        feedbackCount & 0xff, statuses, deltas);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, FMT, RTPFB);
    out.writeInt(senderSsrc);
    out.writeInt(mediaSsrc);
    out.writeShort(baseSequence);
    out.writeShort(statuses.length);
    out.writeMedium(referenceTime);
    out.writeByte(feedbackCount);
    int i = 0;
    while (i < statuses.length) {
      int run = 1;
      while (i + run < statuses.length && statuses[i + run] == statuses[i] && run < 0x1fff) {
        run++;
      }
      int left = statuses.length - i;
      if (run >= 14 || run == left) {
        out.writeShort(statuses[i] << 13 | run);
        i += run;
      } else if (allAtMostOne(i, Math.min(14, left))) {
        int chunk = 0x8000;
        for (int k = 0; k < 14 && i + k < statuses.length; k++) {
          chunk |= statuses[i + k] << (13 - k);
        }
        out.writeShort(chunk);
        i += 14;
      } else {
        int chunk = 0xc000;
        for (int k = 0; k < 7 && i + k < statuses.length; k++) {
          chunk |= statuses[i + k] << (12 - 2 * k);
        }
        out.writeShort(chunk);
        i += 7;
      }
    }
    int d = 0;
    for (byte s : statuses) {
      if (s == SMALL_DELTA) {
        out.writeByte(deltas[d++]);
      } else if (s == LARGE_DELTA) {
        out.writeShort(deltas[d++]);
      }
    }
    RtcpPacket.finish(out, start);
  }

  private boolean allAtMostOne(int from, int n) {
    for (int k = 0; k < n; k++) {
      if (statuses[from + k] > 1) {
        return false;
      }
    }
    return true;
  }
}
