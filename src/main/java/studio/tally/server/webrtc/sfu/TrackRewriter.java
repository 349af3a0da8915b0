package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Instant;
import studio.tally.proto.rtp.ExtensionIdMap;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.Rtx;
import studio.tally.proto.rtp.SeqNum;
import studio.tally.proto.rtp.SenderReport;

/**
 * One track of one subscriber: rewrites the publisher's RTP into the subscriber's SSRC, payload type,
 * sequence numbers and timestamps, and writes the subscriber's sender reports. Sequence numbers stay
 * contiguous across keyframe waits and publisher changes (the offset is fixed at the first packet
 * forwarded from a source, so real upstream loss still shows as a gap); timestamps continue from the
 * last one sent, advanced by the wall time in between. Header extensions keep only those both sides
 * negotiated end to end, renumbered to the subscriber's ids ({@link ExtensionIdMap}); hop-by-hop
 * ones (transport-cc, abs-send-time, mid) never pass. Retransmissions (plain or RTX) of a cached source packet
 * reuse the sequence number and timestamp it was sent with ({@link #sourceSequence} maps a player's
 * NACK back). Not thread-safe: its subscriber serialises calls.
 */
final class TrackRewriter {
  private static final long MASK32 = 0xFFFFFFFFL;

  private final int ssrc;
  private final int payloadType;
  private final int clockRate;
  private boolean rebase = true;
  private ExtensionIdMap extensionIds = ExtensionIdMap.NONE;
  private boolean started;
  private int seqOffset;
  private long tsOffset;
  private int lastSeq;
  private long lastTs;
  private Instant lastSentAt;
  private long packets;
  /** Packets sent since the last rebase, and the sequence number of the first of them. */
  private long sinceRebase;
  private int firstSeq;
  private long octets;
  /** The publisher's last SR for this track, translated into our timestamps (null: none yet). */
  private long srNtp;
  private long srRtp;
  private Instant srAt;

  TrackRewriter(long ssrc, int payloadType, int clockRate, int initialSeq, long initialTs) {
    this.ssrc = (int) ssrc;
    this.payloadType = payloadType;
    this.clockRate = clockRate;
    this.lastSeq = (initialSeq - 1) & 0xFFFF;
    this.lastTs = initialTs & MASK32;
  }

  int ssrc() {
    return ssrc;
  }

  int payloadType() {
    return payloadType;
  }

  long packets() {
    return packets;
  }

  /** The next packet starts a new source (another publisher, or after a keyframe wait). */
  void rebase() {
    rebase = true;
    sinceRebase = 0;
    srAt = null;
  }

  /** A rewritten copy (the caller releases it). */
  ByteBuf rewrite(ByteBuf in, RtpPacket p, ByteBufAllocator alloc, Instant now) {
    return rewrite(in, p, alloc.buffer(sizeOf(in, p)), now);
  }

  /** Writes the rewritten packet into {@code out} (from its writer index) and returns {@code out}. */
  ByteBuf rewrite(ByteBuf in, RtpPacket p, ByteBuf out, Instant now) {
    if (rebase) {
      rebase = false;
      long outTs = started ? (lastTs + Math.max(1, elapsedTicks(lastSentAt, now))) & MASK32 : lastTs;
      seqOffset = (lastSeq + 1 - p.sequence()) & 0xFFFF;
      tsOffset = (outTs - p.timestamp()) & MASK32;
    }
    int seq = (p.sequence() + seqOffset) & 0xFFFF;
    long ts = (p.timestamp() + tsOffset) & MASK32;
    if (!started || (short) (seq - lastSeq) > 0) {
      lastSeq = seq;
    }
    if (!started || (int) (ts - lastTs) >= 0) {
      lastTs = ts;
      lastSentAt = now;
    }
    if (sinceRebase == 0) {
      firstSeq = seq;
    }
    sinceRebase++;
    started = true;
    packets++;
    octets += p.payloadLength();
    return copy(in, p, seq, ts, out);
  }

  /** Room for the rewritten packet: the extension block never grows (ids are renumbered, elements dropped). */
  private static int sizeOf(ByteBuf in, RtpPacket p) {
    return RtpPacket.HEADER_LENGTH + 4 * p.csrcs().length + p.extensionLength() + 4 + in.readableBytes() - p.payloadOffset();
  }

  /** Header rewritten, extensions renumbered or dropped, CSRCs, payload and padding kept. */
  private ByteBuf copy(ByteBuf in, RtpPacket p, int seq, long ts, ByteBuf out) {
    int at = in.readerIndex();
    int csrcBytes = 4 * p.csrcs().length;
    int tail = in.readableBytes() - p.payloadOffset();
    int b0 = in.getUnsignedByte(at) & ~0x10;
    int start = out.writerIndex();
    out.writeByte(b0);
    out.writeByte((p.marker() ? 0x80 : 0) | payloadType);
    out.writeShort(seq);
    out.writeInt((int) ts);
    out.writeInt(ssrc);
    out.writeBytes(in, at + RtpPacket.HEADER_LENGTH, csrcBytes);
    if (extensionIds.write(out, in, at, p)) {
      out.setByte(start, b0 | 0x10);
    }
    out.writeBytes(in, at + p.payloadOffset(), tail);
    return out;
  }

  /** Which of the source's extension ids this subscriber gets, under which id (set per source). */
  void extensionIds(ExtensionIdMap map) {
    this.extensionIds = map;
  }

  /**
   * The publisher's sequence number of the packet this track sent as {@code sentSeq}, or -1 when it
   * was not sent from the current source (before the last rebase, or never).
   */
  int sourceSequence(int sentSeq) {
    if (!started || rebase || sinceRebase == 0) {
      return -1;
    }
    if (SeqNum.distance(sentSeq, firstSeq) < 0 || SeqNum.distance(lastSeq, sentSeq) < 0) {
      return -1;
    }
    return (sentSeq - seqOffset) & 0xFFFF;
  }

  /**
   * A plain retransmission (RFC 4585 without RTX): the cached source packet {@code in} again with the
   * sequence number and timestamp it was sent with. Does not count as a new packet.
   */
  ByteBuf retransmission(ByteBuf in, RtpPacket p, ByteBufAllocator alloc) {
    return copy(in, p, (p.sequence() + seqOffset) & 0xFFFF, (p.timestamp() + tsOffset) & MASK32,
        alloc.buffer(sizeOf(in, p)));
  }

  /** The cached source packet {@code in} as RTX (RFC 4588) with the OSN and timestamp it was sent with. */
  ByteBuf rtx(ByteBuf in, RtpPacket p, int rtxPayloadType, int rtxSsrc, int rtxSequence, ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(RtpPacket.HEADER_LENGTH + 4 * p.csrcs().length + Rtx.OSN_LENGTH + p.payloadLength());
    Rtx.wrap(out, in, in.readerIndex(), p, rtxPayloadType, rtxSsrc, rtxSequence, (p.sequence() + seqOffset) & 0xFFFF,
        (p.timestamp() + tsOffset) & MASK32);
    return out;
  }

  /** The publisher's SR for the source of this track: keeps its NTP↔RTP mapping for ours. */
  void onSourceReport(long ntp, long rtpTimestamp, Instant now) {
    if (!started || rebase) {
      return;
    }
    srNtp = ntp;
    srRtp = (rtpTimestamp + tsOffset) & MASK32;
    srAt = now;
  }

  /**
   * Our SR, or null before the first packet. With a publisher SR its NTP↔RTP mapping is carried over
   * (so players keep the publisher's A/V sync); without, the mapping is our last packet against the
   * wall clock.
   */
  SenderReport senderReport(Instant now) {
    if (!started) {
      return null;
    }
    long ntp;
    long rtp;
    if (srAt != null) {
      long nanos = java.time.Duration.between(srAt, now).toNanos();
      ntp = srNtp + (long) (nanos * 4.294967296); // 2^32 / 1e9
      rtp = (srRtp + elapsedTicks(srAt, now)) & MASK32;
    } else {
      ntp = ntp(now);
      rtp = (lastTs + elapsedTicks(lastSentAt, now)) & MASK32;
    }
    return new SenderReport(ssrc, ntp, rtp, packets & MASK32, octets & MASK32, java.util.List.of());
  }

  private long elapsedTicks(Instant from, Instant to) {
    if (from == null) {
      return 0;
    }
    long nanos = Math.max(0, java.time.Duration.between(from, to).toNanos());
    return nanos * clockRate / 1_000_000_000L;
  }

  /** NTP 64-bit timestamp (RFC 3550 §4): seconds since 1900 and a 32-bit fraction. */
  static long ntp(Instant t) {
    long seconds = t.getEpochSecond() + 2_208_988_800L;
    long fraction = ((long) t.getNano() << 32) / 1_000_000_000L;
    return seconds << 32 | fraction;
  }
}
