package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Generic NACK (RFC 4585 §6.2.1): RTPFB (PT 205), FMT 1. Each FCI entry names a lost packet (PID)
 * and a bitmask of the 16 following (BLP, bit i = PID + i + 1 lost).
 * <pre>
 * |V=2|P| FMT=1   |   PT=205      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * |            PID                |             BLP               |  × n
 * </pre>
 *
 * @param lost the lost sequence numbers, in FCI order
 */
public record GenericNack(int senderSsrc, int mediaSsrc, int[] lost) implements RtcpPacket {
  public static final int FMT = 1;

  static GenericNack parse(RtcpReader r) {
    int sender = r.i32("NACK sender SSRC");
    int media = r.i32("NACK media SSRC");
    int[] lost = new int[17 * (r.remaining() / 4)];
    int n = 0;
    while (r.remaining() > 0) {
      int pid = r.u16("NACK PID");
      int blp = r.u16("NACK BLP");
      lost[n++] = pid;
      for (int i = 0; i < 16; i++) {
        if ((blp & (1 << i)) != 0) {
          lost[n++] = (pid + i + 1) & 0xffff;
        }
      }
    }
    return new GenericNack(sender, media, Arrays.copyOf(lost, n));
  }

  /**
   * Builds a NACK for these sequence numbers: they are sorted in wrap-aware order (relative to the
   * first) and packed into as few PID/BLP entries as possible.
   */
  public static GenericNack of(int senderSsrc, int mediaSsrc, int... seqs) {
    if (seqs.length == 0) {
      return new GenericNack(senderSsrc, mediaSsrc, new int[0]);
    }
    int ref = seqs[0] & 0xffff;
    int[] sorted = Arrays.stream(seqs).map(s -> s & 0xffff).distinct()
        .boxed().sorted((a, b) -> Integer.compare(SeqNum.distance(a, ref), SeqNum.distance(b, ref)))
        .mapToInt(Integer::intValue).toArray();
    return new GenericNack(senderSsrc, mediaSsrc, sorted);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, FMT, RTPFB);
    out.writeInt(senderSsrc);
    out.writeInt(mediaSsrc);
    int i = 0;
    while (i < lost.length) {
      int pid = lost[i++] & 0xffff;
      int blp = 0;
      while (i < lost.length) {
        int d = (lost[i] - pid) & 0xffff;
        if (d == 0) { // duplicate
          i++;
        } else if (d <= 16) {
          blp |= 1 << (d - 1);
          i++;
        } else {
          break;
        }
      }
      out.writeShort(pid);
      out.writeShort(blp);
    }
    RtcpPacket.finish(out, start);
  }
}
