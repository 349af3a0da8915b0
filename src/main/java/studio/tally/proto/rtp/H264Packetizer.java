package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * NAL units of one access unit → RTP payloads (RFC 6184 packetization-mode 1), as SRS sends them:
 * consecutive small NAL units (SPS, PPS, SEI...) aggregated in one STAP-A, a NAL unit larger than
 * the MTU split into FU-A fragments, anything else a single NAL unit packet. The caller writes the
 * RTP header and sets the marker on the last payload of the access unit ({@link Payload#marker}).
 * Payloads are allocated from the allocator; the caller releases them.
 */
public final class H264Packetizer {
  public static final int DEFAULT_MTU = 1200;

  /** One RTP payload and whether it ends the access unit. */
  public record Payload(ByteBuf bytes, boolean marker) {}

  private final ByteBufAllocator alloc;
  private final int mtu;

  public H264Packetizer(ByteBufAllocator alloc, int mtu) {
    if (mtu < 16) {
      throw new IllegalArgumentException("h264: MTU " + mtu + " too small");
    }
    this.alloc = alloc;
    this.mtu = mtu;
  }

  public H264Packetizer(ByteBufAllocator alloc) {
    this(alloc, DEFAULT_MTU);
  }

  /** Packetizes one access unit's NAL units (no start codes, no length prefixes) into {@code out}. */
  public void packetize(List<ByteBuf> nals, List<Payload> out) {
    int first = out.size();
    int i = 0;
    while (i < nals.size()) {
      ByteBuf nal = nals.get(i);
      int size = nal.readableBytes();
      if (size == 0) {
        i++;
        continue;
      }
      // aggregate a run of NAL units that fit together into one STAP-A
      int j = i;
      int stapSize = 1;
      while (j < nals.size() && stapSize + 2 + nals.get(j).readableBytes() <= mtu && nals.get(j).isReadable()) {
        stapSize += 2 + nals.get(j).readableBytes();
        j++;
      }
      if (j - i >= 2) {
        ByteBuf stap = alloc.buffer(stapSize);
        int nri = 0;
        for (int k = i; k < j; k++) {
          nri = Math.max(nri, nals.get(k).getUnsignedByte(nals.get(k).readerIndex()) & 0x60);
        }
        stap.writeByte(nri | H264Depacketizer.STAP_A);
        for (int k = i; k < j; k++) {
          ByteBuf n = nals.get(k);
          stap.writeShort(n.readableBytes());
          stap.writeBytes(n, n.readerIndex(), n.readableBytes());
        }
        out.add(new Payload(stap, false));
        i = j;
      } else if (size <= mtu) {
        out.add(new Payload(alloc.buffer(size).writeBytes(nal, nal.readerIndex(), size), false));
        i++;
      } else {
        fuA(nal, out);
        i++;
      }
    }
    if (out.size() > first) {
      Payload last = out.removeLast();
      out.add(new Payload(last.bytes(), true));
    }
  }

  private void fuA(ByteBuf nal, List<Payload> out) {
    int header = nal.getUnsignedByte(nal.readerIndex());
    int at = nal.readerIndex() + 1;
    int left = nal.readableBytes() - 1;
    int chunk = mtu - 2;
    boolean start = true;
    while (left > 0) {
      int n = Math.min(chunk, left);
      boolean end = n == left;
      ByteBuf p = alloc.buffer(n + 2);
      p.writeByte((header & 0xe0) | H264Depacketizer.FU_A);
      p.writeByte((start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1f));
      p.writeBytes(nal, at, n);
      out.add(new Payload(p, false));
      at += n;
      left -= n;
      start = false;
    }
  }
}
