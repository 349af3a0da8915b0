package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * NAL units of one HEVC access unit → RTP payloads (RFC 7798, one RTP stream, no DONL: sprop-max-don-diff
 * 0): consecutive NAL units that fit together (VPS, SPS, PPS, SEI...) in one aggregation packet (AP,
 * type 48, §4.4.2), a NAL unit larger than the MTU split into fragmentation units (FU, type 49, §4.4.3),
 * anything else a single NAL unit packet (§4.4.1). The NAL unit header is two bytes: F(1) Type(6)
 * LayerId(6) TID(3); an AP's payload header has the OR of the F bits and the lowest LayerId and TID of the
 * NAL units it carries; an FU's has the fragmented NAL unit's F, LayerId and TID. The caller writes the
 * RTP header and sets the marker on the last payload ({@link H264Packetizer.Payload#marker}). Payloads
 * are allocated from the allocator; the caller releases them.
 */
public final class H265Packetizer {
  public static final int AP = 48;
  public static final int FU = 49;
  private static final int NAL_HEADER = 2;

  private final ByteBufAllocator alloc;
  private final int mtu;

  public H265Packetizer(ByteBufAllocator alloc, int mtu) {
    if (mtu < 16) {
      throw new IllegalArgumentException("h265: MTU " + mtu + " too small");
    }
    this.alloc = alloc;
    this.mtu = mtu;
  }

  public H265Packetizer(ByteBufAllocator alloc) {
    this(alloc, H264Packetizer.DEFAULT_MTU);
  }

  /** The NAL unit type (6 bits after F) of a NAL unit whose first header byte is {@code b0}. */
  public static int type(int b0) {
    return (b0 >> 1) & 0x3f;
  }

  /**
   * Packetizes one access unit's NAL units (no start codes, no length prefixes; NAL units shorter than
   * their 2-byte header are skipped) into {@code out}.
   */
  public void packetize(List<ByteBuf> nals, List<H264Packetizer.Payload> out) {
    int first = out.size();
    int i = 0;
    while (i < nals.size()) {
      ByteBuf nal = nals.get(i);
      int size = nal.readableBytes();
      if (size < NAL_HEADER) {
        i++;
        continue;
      }
      // a run of NAL units that fit together into one AP
      int j = i;
      int apSize = NAL_HEADER;
      while (j < nals.size() && nals.get(j).readableBytes() >= NAL_HEADER
          && apSize + 2 + nals.get(j).readableBytes() <= mtu) {
        apSize += 2 + nals.get(j).readableBytes();
        j++;
      }
      if (j - i >= 2) {
        out.add(new H264Packetizer.Payload(aggregate(nals.subList(i, j), apSize), false));
        i = j;
      } else if (size <= mtu) {
        out.add(new H264Packetizer.Payload(alloc.buffer(size).writeBytes(nal, nal.readerIndex(), size), false));
        i++;
      } else {
        fragment(nal, out);
        i++;
      }
    }
    if (out.size() > first) {
      H264Packetizer.Payload last = out.removeLast();
      out.add(new H264Packetizer.Payload(last.bytes(), true));
    }
  }

  private ByteBuf aggregate(List<ByteBuf> units, int size) {
    int f = 0;
    int layerId = 0x3f;
    int tid = 7;
    for (ByteBuf n : units) {
      int h = n.getUnsignedShort(n.readerIndex());
      f |= h & 0x8000;
      layerId = Math.min(layerId, (h >> 3) & 0x3f);
      tid = Math.min(tid, h & 0x7);
    }
    ByteBuf ap = alloc.buffer(size);
    ap.writeShort(f | AP << 9 | layerId << 3 | tid);
    for (ByteBuf n : units) {
      ap.writeShort(n.readableBytes());
      ap.writeBytes(n, n.readerIndex(), n.readableBytes());
    }
    return ap;
  }

  private void fragment(ByteBuf nal, List<H264Packetizer.Payload> out) {
    int header = nal.getUnsignedShort(nal.readerIndex());
    int type = (header >> 9) & 0x3f;
    int payloadHeader = (header & 0x81ff) | FU << 9; // F, LayerId and TID of the NAL unit
    int at = nal.readerIndex() + NAL_HEADER;
    int left = nal.readableBytes() - NAL_HEADER;
    int chunk = mtu - NAL_HEADER - 1;
    boolean start = true;
    while (left > 0) {
      int n = Math.min(chunk, left);
      boolean end = n == left;
      ByteBuf p = alloc.buffer(n + NAL_HEADER + 1);
      p.writeShort(payloadHeader);
      p.writeByte((start ? 0x80 : 0) | (end ? 0x40 : 0) | type);
      p.writeBytes(nal, at, n);
      out.add(new H264Packetizer.Payload(p, false));
      at += n;
      left -= n;
      start = false;
    }
  }
}
