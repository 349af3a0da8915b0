package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 RTP payload → NAL units (RFC 6184 §5.6-5.8), packetization-mode 0 and 1:
 * <pre>
 * single NAL (type 1-23):  |F|NRI|Type| NAL bytes ...
 * STAP-A (24):             |F|NRI| 24 | size(16) NAL | size(16) NAL | ...
 * FU-A (28):               |F|NRI| 28 | |S|E|R| Type | fragment ...
 * </pre>
 * FU-A fragments are reassembled across packets keyed by sequence number: a gap, a missing start
 * or a new start before the end drops the partial NAL (a decoder asks for a keyframe then).
 * Output NAL units are retained slices or freshly allocated buffers the caller releases.
 * Not thread-safe: one per incoming stream.
 */
public final class H264Depacketizer implements AutoCloseable {
  public static final int STAP_A = 24;
  public static final int FU_A = 28;
  /** The largest NAL unit reassembled from fragments; beyond it the fragments are dropped. */
  public static final int MAX_NAL_SIZE = 4 << 20;

  private final ByteBufAllocator alloc;
  private ByteBuf fragment;
  private int expectedSeq = -1;
  private long dropped;

  public H264Depacketizer(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  /** Fragmented NAL units dropped because of loss or malformed fragments. */
  public long droppedNals() {
    return dropped;
  }

  /**
   * Consumes one RTP payload (the bytes after the RTP header, padding removed) with its sequence
   * number, adding complete NAL units to {@code out}.
   */
  public void depacketize(ByteBuf payload, int sequence, List<ByteBuf> out) {
    int n = payload.readableBytes();
    int at = payload.readerIndex();
    if (n < 1) {
      throw new RtpException("h264: empty RTP payload");
    }
    int header = payload.getUnsignedByte(at);
    int type = header & 0x1f;
    if (type != FU_A && fragment != null) {
      dropFragment(); // an unfinished FU-A followed by something else
    }
    if (type >= 1 && type <= 23) {
      out.add(payload.retainedSlice(at, n));
    } else if (type == STAP_A) {
      int i = at + 1;
      int end = at + n;
      List<ByteBuf> nals = new ArrayList<>();
      try {
        while (i < end) {
          if (i + 2 > end) {
            throw new RtpException("h264: STAP-A NAL size field truncated at " + (i - at));
          }
          int size = payload.getUnsignedShort(i);
          i += 2;
          if (size == 0 || i + size > end) {
            throw new RtpException("h264: STAP-A NAL size " + size + " overruns the payload");
          }
          nals.add(payload.retainedSlice(i, size));
          i += size;
        }
      } catch (RtpException e) {
        nals.forEach(ByteBuf::release);
        throw e;
      }
      out.addAll(nals);
    } else if (type == FU_A) {
      fuA(payload, at, n, sequence & 0xffff, header, out);
    } else {
      throw new RtpException("h264: NAL/packet type " + type + " not supported (mode 0/1 only)");
    }
  }

  private void fuA(ByteBuf payload, int at, int n, int seq, int indicator, List<ByteBuf> out) {
    if (n < 2) {
      throw new RtpException("h264: FU-A without an FU header");
    }
    int fu = payload.getUnsignedByte(at + 1);
    boolean start = (fu & 0x80) != 0;
    boolean end = (fu & 0x40) != 0;
    if (start) {
      if (fragment != null) {
        dropFragment();
      }
      fragment = alloc.buffer(Math.max(256, n * 4));
      fragment.writeByte((indicator & 0xe0) | (fu & 0x1f)); // reconstructed NAL header
    } else if (fragment == null || seq != expectedSeq) {
      if (fragment != null) {
        dropFragment();
      }
      return; // a middle or end without its start: nothing to do until the next start
    }
    if (fragment.readableBytes() + n - 2 > MAX_NAL_SIZE) {
      dropFragment();
      return;
    }
    fragment.writeBytes(payload, at + 2, n - 2);
    expectedSeq = (seq + 1) & 0xffff;
    if (end) {
      out.add(fragment);
      fragment = null;
    }
  }

  private void dropFragment() {
    fragment.release();
    fragment = null;
    dropped++;
  }

  /** True when the NAL units include an IDR slice (5), or both an SPS (7) and a PPS (8). */
  public static boolean isKeyframe(List<ByteBuf> nals) {
    boolean sps = false;
    boolean pps = false;
    for (ByteBuf nal : nals) {
      if (!nal.isReadable()) {
        continue;
      }
      int type = nal.getUnsignedByte(nal.readerIndex()) & 0x1f;
      if (type == 5) {
        return true;
      }
      sps |= type == 7;
      pps |= type == 8;
    }
    return sps && pps;
  }

  /**
   * Keyframe check on one RTP payload without depacketizing (for the SFU's "wait for a keyframe"):
   * true when it is, or starts, an IDR slice or carries an SPS (single NAL, STAP-A contents, or an
   * FU-A start fragment).
   */
  public static boolean startsKeyframe(ByteBuf payload) {
    return carries(payload, true);
  }

  /**
   * True when the payload carries an SPS (single NAL, STAP-A contents, or an FU-A start fragment):
   * where a keyframe starts for a publisher that sends its parameter sets in band.
   */
  public static boolean carriesSps(ByteBuf payload) {
    return carries(payload, false);
  }

  private static boolean carries(ByteBuf payload, boolean idrToo) {
    int at = payload.readerIndex();
    int n = payload.readableBytes();
    if (n < 1) {
      return false;
    }
    int type = payload.getUnsignedByte(at) & 0x1f;
    if (type == 7 || (idrToo && type == 5)) {
      return true;
    }
    if (type == STAP_A) {
      for (int i = at + 1; i + 2 < at + n; ) {
        int size = payload.getUnsignedShort(i);
        int t = payload.getUnsignedByte(i + 2) & 0x1f;
        if (t == 7 || (idrToo && t == 5)) {
          return true;
        }
        i += 2 + size;
      }
      return false;
    }
    if (type == FU_A && n >= 2) {
      int fu = payload.getUnsignedByte(at + 1);
      int t = fu & 0x1f;
      return (fu & 0x80) != 0 && (t == 7 || (idrToo && t == 5));
    }
    return false;
  }

  @Override
  public void close() {
    if (fragment != null) {
      fragment.release();
      fragment = null;
    }
  }
}
