package studio.tally.proto.srtp;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * SRTP and SRTCP for one direction of one DTLS-SRTP association (RFC 3711, RFC 7714): either the
 * local sender (protect) or the remote sender (unprotect), for every SSRC that direction carries.
 *
 * <p>Per SSRC it keeps the rollover counter (ROC), the highest sequence number, the SRTP and SRTCP
 * replay windows (64 packets, §3.3.2) and the next SRTCP index. Receive-side state changes only
 * after a packet authenticated, so garbage cannot disturb a stream. Key derivation rate is 0 (as
 * DTLS-SRTP mandates), MKI is not used.
 *
 * <p><b>Not thread-safe.</b> A context owns reusable {@code Cipher}/{@code Mac} instances and scratch
 * buffers; one thread (an event loop) uses it at a time. Work is in place: a heap buffer is
 * transformed in its array, a direct buffer through one scratch array per context.
 *
 * <p>Protect methods take the plain packet as the buffer's readable bytes, append the tag (the
 * buffer must be able to grow by {@link SrtpProfile#rtpOverhead()} / {@link SrtpProfile#rtcpOverhead()})
 * and return the new length. Unprotect methods verify, check replay, decrypt, drop the trailer from
 * the writer index and return the plain length, or throw {@link SrtpException}.
 */
public final class SrtpContext {
  /** The sender stops before the 48-bit SRTP index wraps (§3.3.1): a rekey is needed. */
  private static final long MAX_RTP_INDEX = (1L << 48) - 1;
  private static final int MAX_RTCP_INDEX = 0x7fffffff;

  private final SrtpProfile profile;
  private final SrtpTransform rtp;
  private final SrtpTransform rtcp;
  private final Map<Integer, Stream> streams = new HashMap<>();
  // the SSRCs of the last two packets (a player's audio and video): save the map lookup and boxing
  private Stream last;
  private Stream previous;
  private byte[] scratch = new byte[1500];

  /** Derives the session keys from a master key and salt (KDR 0). */
  public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
    this(profile, SrtpSessionKeys.derive(profile, masterKey, masterSalt, false),
        SrtpSessionKeys.derive(profile, masterKey, masterSalt, true));
  }

  /** Uses session keys directly (RFC 7714's vectors are given this way). */
  public SrtpContext(SrtpProfile profile, SrtpSessionKeys rtpKeys, SrtpSessionKeys rtcpKeys) {
    this.profile = profile;
    this.rtp = SrtpTransform.create(profile, rtpKeys);
    this.rtcp = SrtpTransform.create(profile, rtcpKeys);
  }

  public SrtpProfile profile() {
    return profile;
  }

  // ---------------------------------------------------------------- SRTP

  /** Protects the RTP packet in {@code buf}'s readable bytes in place; returns the new length. */
  public int protectRtp(ByteBuf buf) {
    buf.ensureWritable(profile.rtpOverhead());
    return apply(buf, Op.PROTECT_RTP, profile.rtpOverhead());
  }

  /** Unprotects the SRTP packet in {@code buf}'s readable bytes in place; returns the plain length. */
  public int unprotectRtp(ByteBuf buf) {
    return apply(buf, Op.UNPROTECT_RTP, 0);
  }

  /** Protects {@code a[off, off+len)}; {@code a} needs {@link SrtpProfile#rtpOverhead()} spare bytes. */
  public int protectRtp(byte[] a, int off, int len) {
    int h = rtpHeaderLength(a, off, len, 0, "srtp");
    if (a.length - off - len < profile.rtpOverhead()) {
      throw new IllegalArgumentException("srtp: no room for the " + profile.rtpOverhead() + "-byte tag");
    }
    int ssrc = SrtpTransform.getInt(a, off + 8);
    int seq = (a[off + 2] & 0xff) << 8 | (a[off + 3] & 0xff);
    Stream s = stream(ssrc, true);
    long index = s.sendIndex(seq);
    return rtp.protectRtp(a, off, len, h, ssrc, index);
  }

  /** Unprotects {@code a[off, off+len)} in place; returns the plain length. */
  public int unprotectRtp(byte[] a, int off, int len) {
    int tag = profile.rtpTagLength();
    int h = rtpHeaderLength(a, off, len, tag, "srtp");
    int ssrc = SrtpTransform.getInt(a, off + 8);
    int seq = (a[off + 2] & 0xff) << 8 | (a[off + 3] & 0xff);
    Stream s = stream(ssrc, false);
    long index = s == null ? seq : s.estimate(seq); // an unknown SSRC starts at ROC 0
    if (index < 0) {
      throw new SrtpException(SrtpException.Reason.TOO_OLD, "srtp: seq " + seq + " precedes the first packet of ssrc "
          + Integer.toUnsignedString(ssrc));
    }
    if (s != null) {
      SrtpException.Reason r = s.rtpWindow.check(index);
      if (r != null) {
        throw new SrtpException(r, "srtp: " + r.name().toLowerCase(java.util.Locale.ROOT) + " index " + index
            + " for ssrc " + Integer.toUnsignedString(ssrc));
      }
    }
    int plain = rtp.unprotectRtp(a, off, len, h, ssrc, index);
    if (s == null) {
      s = stream(ssrc, true);
    }
    s.received(index);
    return plain;
  }

  // ---------------------------------------------------------------- SRTCP

  /** Protects (always encrypts, E = 1) the RTCP compound packet in {@code buf}'s readable bytes. */
  public int protectRtcp(ByteBuf buf) {
    buf.ensureWritable(profile.rtcpOverhead());
    return apply(buf, Op.PROTECT_RTCP, profile.rtcpOverhead());
  }

  /** Unprotects an SRTCP packet (E = 1 or E = 0) in place; returns the plain length. */
  public int unprotectRtcp(ByteBuf buf) {
    return apply(buf, Op.UNPROTECT_RTCP, 0);
  }

  public int protectRtcp(byte[] a, int off, int len) {
    rtcpHeaderCheck(a, off, len, 0);
    if (a.length - off - len < profile.rtcpOverhead()) {
      throw new IllegalArgumentException("srtcp: no room for the " + profile.rtcpOverhead() + "-byte trailer");
    }
    int ssrc = SrtpTransform.getInt(a, off + 4);
    Stream s = stream(ssrc, true);
    if (s.nextRtcpIndex > MAX_RTCP_INDEX) {
      throw new SrtpException(SrtpException.Reason.EXHAUSTED, "srtcp: index exhausted for ssrc "
          + Integer.toUnsignedString(ssrc) + ", rekey");
    }
    int index = (int) s.nextRtcpIndex++;
    return rtcp.protectRtcp(a, off, len, ssrc, index);
  }

  public int unprotectRtcp(byte[] a, int off, int len) {
    int tag = profile.rtcpTagLength();
    rtcpHeaderCheck(a, off, len, tag + 4);
    int ssrc = SrtpTransform.getInt(a, off + 4);
    int wordAt = profile.aead() ? off + len - 4 : off + len - tag - 4;
    int word = SrtpTransform.getInt(a, wordAt);
    boolean encrypted = word < 0;
    int index = word & MAX_RTCP_INDEX;
    Stream s = stream(ssrc, false);
    if (s != null) {
      SrtpException.Reason r = s.rtcpWindow.check(index);
      if (r != null) {
        throw new SrtpException(r, "srtcp: " + r.name().toLowerCase(java.util.Locale.ROOT) + " index " + index
            + " for ssrc " + Integer.toUnsignedString(ssrc));
      }
    }
    int plain = rtcp.unprotectRtcp(a, off, len, ssrc, index, encrypted);
    if (s == null) {
      s = stream(ssrc, true);
    }
    s.rtcpWindow.accept(index);
    return plain;
  }

  // ---------------------------------------------------------------- state access

  /** The rollover counter of this SSRC, or -1 when no packet of it was seen yet. */
  public long rolloverCounter(int ssrc) {
    Stream s = streams.get(ssrc);
    return s == null || !s.started ? -1 : Integer.toUnsignedLong(s.roc);
  }

  /**
   * Sets the ROC to start from (a stream joined late, e.g. the ROC signalled out of band, or a test
   * vector with a non-zero ROC). Only before the stream's first packet.
   */
  public void setRolloverCounter(int ssrc, int roc) {
    Stream s = stream(ssrc, true);
    if (s.started) {
      throw new IllegalStateException("srtp: ssrc " + Integer.toUnsignedString(ssrc) + " already started");
    }
    s.roc = roc;
    s.rocPreset = true;
  }

  /** Sets the SRTCP index the next protected RTCP packet of this SSRC uses (0 by default, §3.3.1). */
  public void setNextSrtcpIndex(int ssrc, int index) {
    stream(ssrc, true).nextRtcpIndex = index & MAX_RTCP_INDEX;
  }

  /** How many SSRCs have state in this context. */
  public int streamCount() {
    return streams.size();
  }

  /** Forgets an SSRC (a BYE, or a subscriber that left). */
  public void remove(int ssrc) {
    streams.remove(ssrc);
    last = null;
    previous = null;
  }

  // ---------------------------------------------------------------- internals

  private enum Op { PROTECT_RTP, UNPROTECT_RTP, PROTECT_RTCP, UNPROTECT_RTCP }

  private int apply(ByteBuf buf, Op op, int grow) {
    int len = buf.readableBytes();
    int start = buf.readerIndex();
    byte[] a;
    int off;
    if (buf.hasArray()) {
      a = buf.array();
      off = buf.arrayOffset() + start;
      if (a.length - off - len < grow) { // capacity bounded by the array, not by ensureWritable
        throw new IllegalArgumentException("srtp: buffer has no room to grow by " + grow);
      }
    } else {
      if (scratch.length < len + grow) {
        scratch = new byte[len + grow];
      }
      a = scratch;
      off = 0;
      buf.getBytes(start, a, 0, len);
    }
    int n = switch (op) {
      case PROTECT_RTP -> protectRtp(a, off, len);
      case UNPROTECT_RTP -> unprotectRtp(a, off, len);
      case PROTECT_RTCP -> protectRtcp(a, off, len);
      case UNPROTECT_RTCP -> unprotectRtcp(a, off, len);
    };
    if (!buf.hasArray()) {
      buf.setBytes(start, a, 0, n);
    }
    buf.writerIndex(start + n);
    return n;
  }

  private Stream stream(int ssrc, boolean create) {
    Stream s = last;
    if (s != null && s.ssrc == ssrc) {
      return s;
    }
    Stream p = previous;
    if (p != null && p.ssrc == ssrc) {
      previous = s;
      last = p;
      return p;
    }
    s = streams.get(ssrc);
    if (s == null && create) {
      s = new Stream(ssrc);
      streams.put(ssrc, s);
    }
    if (s != null) {
      previous = last;
      last = s;
    }
    return s;
  }

  /** RFC 3550 §5.1 header length, checked against the packet minus {@code trailer}. */
  static int rtpHeaderLength(byte[] a, int off, int len, int trailer, String proto) {
    if (len < 12 + trailer) {
      throw new SrtpException(SrtpException.Reason.MALFORMED, proto + ": packet length " + len
          + " below header 12 + tag " + trailer);
    }
    int b0 = a[off] & 0xff;
    if (b0 >>> 6 != 2) {
      throw new SrtpException(SrtpException.Reason.MALFORMED, proto + ": RTP version " + (b0 >>> 6) + ", expected 2");
    }
    int h = 12 + 4 * (b0 & 0x0f);
    if ((b0 & 0x10) != 0) {
      if (h + 4 > len - trailer) {
        throw new SrtpException(SrtpException.Reason.MALFORMED, proto + ": extension header past the packet end");
      }
      h += 4 + 4 * ((a[off + h + 2] & 0xff) << 8 | (a[off + h + 3] & 0xff));
    }
    if (h > len - trailer) {
      throw new SrtpException(SrtpException.Reason.MALFORMED, proto + ": header length " + h
          + " past the payload end " + (len - trailer));
    }
    return h;
  }

  private static void rtcpHeaderCheck(byte[] a, int off, int len, int trailer) {
    if (len < 8 + trailer) {
      throw new SrtpException(SrtpException.Reason.MALFORMED, "srtcp: packet length " + len
          + " below header 8 + trailer " + trailer);
    }
    if ((a[off] & 0xc0) != 0x80) {
      throw new SrtpException(SrtpException.Reason.MALFORMED, "srtcp: RTCP version " + ((a[off] & 0xff) >>> 6)
          + ", expected 2");
    }
  }

  /** Per-SSRC state. */
  private static final class Stream {
    final int ssrc;
    boolean started;
    boolean rocPreset;
    int roc;
    int highestSeq;
    final ReplayWindow rtpWindow = new ReplayWindow();
    final ReplayWindow rtcpWindow = new ReplayWindow();
    long nextRtcpIndex;

    Stream(int ssrc) {
      this.ssrc = ssrc;
    }

    /**
     * The index of {@code seq} relative to the highest one seen (RFC 3711 Appendix A): within half
     * the sequence space, a packet is either in this ROC, the previous one or the next one.
     * Negative when it would be before ROC 0.
     */
    long estimate(int seq) {
      if (!started) {
        return (Integer.toUnsignedLong(roc) << 16) | seq;
      }
      long v = Integer.toUnsignedLong(roc);
      if (highestSeq < 0x8000) {
        if (seq - highestSeq > 0x8000) {
          v--;
        }
      } else if (highestSeq - 0x8000 > seq) {
        v++;
      }
      return v < 0 ? -1 : (v << 16) | seq;
    }

    long sendIndex(int seq) {
      long index = estimate(seq);
      if (index < 0) {
        index = seq; // a sender reordering before its first packet: keep ROC 0
      }
      if (index > MAX_RTP_INDEX) {
        throw new SrtpException(SrtpException.Reason.EXHAUSTED, "srtp: index exhausted for ssrc "
            + Integer.toUnsignedString(ssrc) + ", rekey");
      }
      advance(index);
      return index;
    }

    void received(long index) {
      rtpWindow.accept(index);
      advance(index);
    }

    private void advance(long index) {
      long highest = (Integer.toUnsignedLong(roc) << 16) | highestSeq;
      if (!started || index > highest) {
        started = true;
        roc = (int) (index >>> 16);
        highestSeq = (int) (index & 0xffff);
      }
    }
  }
}
