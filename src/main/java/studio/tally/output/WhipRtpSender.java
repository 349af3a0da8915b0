package studio.tally.output;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.rtp.FullIntraRequest;
import studio.tally.proto.rtp.GenericNack;
import studio.tally.proto.rtp.H264Packetizer;
import studio.tally.proto.rtp.PictureLossIndication;
import studio.tally.proto.rtp.ReceiverReport;
import studio.tally.proto.rtp.Remb;
import studio.tally.proto.rtp.ReportBlock;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.proto.rtp.SourceDescription;

/**
 * Encoded frames → RTP for one WHIP session, and the RTCP it needs, on the session's event loop:
 * H.264 packetized (RFC 6184 mode 1, SPS/PPS in a STAP-A before each IDR), Opus one frame per packet;
 * every packet kept in a bounded {@link RtpSendCache}; an RTCP SR per SSRC each second (SRS only
 * bridges to RTMP once it has SRs); NACKs answered from the cache (RTX when negotiated); PLI/FIR
 * turned into a keyframe request (at most one per 500 ms); receiver reports and REMB read for loss,
 * RTT (RFC 3550 §6.4.1: now − LSR − DLSR) and the server's bitrate estimate.
 */
final class WhipRtpSender {
  /** What the transport must do with our packets. */
  interface Output {
    void rtp(ByteBuf plain);

    void rtcp(ByteBuf plain);
  }

  private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

  private final WhipOffer offer;
  private final WhipOffer.Negotiated neg;
  private final Output out;
  private final Runnable keyframeRequest;
  private final H264Packetizer packetizer = new H264Packetizer(ByteBufAllocator.DEFAULT);
  private final RtpSendCache cache = new RtpSendCache(1024);
  private final Stream video;
  private final Stream audio;
  private final Stream rtx;
  private final byte[] sps;
  private final byte[] pps;
  private long lastKeyframeRequestNanos = Long.MIN_VALUE / 2;
  // read by the stats snapshot from other threads
  volatile double rttMillis = Double.NaN;
  volatile double lossFraction;
  volatile long rembBps = -1;
  volatile long nacksReceived;
  volatile long retransmitted;
  volatile long keyframeRequests;

  /** Per-SSRC sending state. */
  private static final class Stream {
    final int ssrc;
    final int clockRate;
    final long tsOffset;
    int seq;
    long packets;
    long octets;
    long lastRtpTs = -1;
    long lastSendNanos;

    Stream(int ssrc, int clockRate, SecureRandom r) {
      this.ssrc = ssrc;
      this.clockRate = clockRate;
      this.tsOffset = r.nextInt() & 0xFFFFFFFFL;
      this.seq = r.nextInt(0x8000);
    }
  }

  /**
   * @param sps the encoder's SPS and PPS (from avcC): sent before every IDR that lacks them
   */
  WhipRtpSender(WhipOffer offer, WhipOffer.Negotiated neg, byte[] sps, byte[] pps, Output out, Runnable keyframeRequest) {
    SecureRandom r = new SecureRandom();
    this.offer = offer;
    this.neg = neg;
    this.out = out;
    this.keyframeRequest = keyframeRequest;
    this.sps = sps;
    this.pps = pps;
    this.video = new Stream(offer.videoSsrc, 90_000, r);
    this.audio = neg.hasAudio() ? new Stream(offer.audioSsrc, 48_000, r) : null;
    this.rtx = neg.rtx() ? new Stream(offer.rtxSsrc, 90_000, r) : null;
  }

  /** Sends one video access unit (AVCC, 4-byte lengths) stamped {@code timestampMs}; returns bytes sent. */
  int sendVideo(byte[] avcc, long timestampMs, boolean keyframe) {
    List<ByteBuf> nals = NalUnits.splitAvcc(Unpooled.wrappedBuffer(avcc), 4);
    boolean hasSps = false;
    boolean idr = false;
    List<ByteBuf> send = new ArrayList<>(nals.size() + 2);
    for (ByteBuf n : nals) {
      if (!n.isReadable()) {
        continue;
      }
      int type = NalUnits.type(n.getUnsignedByte(n.readerIndex()));
      hasSps |= type == NalUnits.SPS;
      idr |= type == NalUnits.IDR_SLICE;
      if (type != NalUnits.AUD) {
        send.add(n);
      }
    }
    if ((idr || keyframe) && !hasSps && sps != null && pps != null) {
      send.addAll(0, List.of(Unpooled.wrappedBuffer(sps), Unpooled.wrappedBuffer(pps)));
    }
    List<H264Packetizer.Payload> payloads = new ArrayList<>();
    packetizer.packetize(send, payloads);
    long ts = (video.tsOffset + timestampMs * 90) & 0xFFFFFFFFL;
    int bytes = 0;
    for (H264Packetizer.Payload p : payloads) {
      try {
        bytes += sendRtp(video, neg.videoPt(), p.marker(), ts, p.bytes(), true);
      } finally {
        p.bytes().release();
      }
    }
    return bytes;
  }

  /** Sends one Opus frame stamped {@code timestampMs}; returns bytes sent. */
  int sendAudio(byte[] opus, long timestampMs) {
    if (audio == null) {
      return 0;
    }
    long ts = (audio.tsOffset + timestampMs * 48) & 0xFFFFFFFFL;
    return sendRtp(audio, neg.audioPt(), false, ts, Unpooled.wrappedBuffer(opus), false);
  }

  private int sendRtp(Stream s, int pt, boolean marker, long ts, ByteBuf payload, boolean cacheIt) {
    int seq = s.seq;
    s.seq = (s.seq + 1) & 0xFFFF;
    ByteBuf b = Unpooled.buffer(RtpPacket.HEADER_LENGTH + payload.readableBytes());
    RtpPacket.writeHeader(b, marker, pt, seq, ts, s.ssrc, new int[0], null);
    b.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    int size = b.readableBytes();
    if (cacheIt) {
      byte[] copy = new byte[size];
      b.getBytes(0, copy);
      cache.put(seq, copy);
    }
    s.packets++;
    s.octets += size - RtpPacket.HEADER_LENGTH;
    s.lastRtpTs = ts;
    s.lastSendNanos = System.nanoTime();
    out.rtp(b);
    return size;
  }

  /** The compound SR (+ SDES CNAME) of every stream that has sent; called once a second. */
  void sendReports() {
    long nowNanos = System.nanoTime();
    long wallMillis = System.currentTimeMillis();
    List<RtcpPacket> packets = new ArrayList<>();
    for (Stream s : new Stream[] {video, audio, rtx}) {
      if (s == null || s.lastRtpTs < 0) {
        continue;
      }
      long rtpNow = (s.lastRtpTs + (nowNanos - s.lastSendNanos) * s.clockRate / 1_000_000_000L) & 0xFFFFFFFFL;
      packets.add(new SenderReport(s.ssrc, ntp(wallMillis), rtpNow, s.packets, s.octets, List.of()));
    }
    if (packets.isEmpty()) {
      return;
    }
    packets.add(new SourceDescription(List.of(new SourceDescription.Chunk(video.ssrc,
        List.of(new SourceDescription.Item(SourceDescription.CNAME, "tally"))))));
    ByteBuf b = Unpooled.buffer(64 * packets.size());
    RtcpPacket.writeCompound(b, packets);
    out.rtcp(b);
  }

  /** Reads one decrypted RTCP compound packet from the server. */
  void onRtcp(ByteBuf buf) {
    List<RtcpPacket> packets;
    try {
      packets = RtcpPacket.parseCompound(buf);
    } catch (RuntimeException e) {
      return; // malformed: ignored
    }
    for (RtcpPacket p : packets) {
      switch (p) {
        case GenericNack n when n.mediaSsrc() == video.ssrc -> {
          nacksReceived++;
          for (int seq : n.lost()) {
            retransmit(seq);
          }
        }
        case PictureLossIndication pli when pli.mediaSsrc() == video.ssrc -> requestKeyframe();
        case FullIntraRequest fir when fir.entries().stream().anyMatch(e -> e.ssrc() == video.ssrc) -> requestKeyframe();
        case ReceiverReport rr -> readBlocks(rr.reports());
        case SenderReport sr -> readBlocks(sr.reports());
        case Remb remb -> rembBps = remb.bitrate();
        default -> { }
      }
    }
  }

  private void readBlocks(List<ReportBlock> blocks) {
    for (ReportBlock b : blocks) {
      if (b.ssrc() != video.ssrc) {
        continue;
      }
      lossFraction = b.fractionLost() / 256.0;
      if (b.lastSenderReport() != 0) {
        long now = (ntp(System.currentTimeMillis()) >>> 16) & 0xFFFFFFFFL;
        long rtt = (now - b.lastSenderReport() - b.delaySinceLastSenderReport()) & 0xFFFFFFFFL;
        if (rtt < 65_536L * 10) { // a wrapped or bogus value (clock steps) is ignored
          rttMillis = rtt * 1000.0 / 65_536;
        }
      }
    }
  }

  private void requestKeyframe() {
    long now = System.nanoTime();
    if (now - lastKeyframeRequestNanos < 500_000_000L) {
      return;
    }
    lastKeyframeRequestNanos = now;
    keyframeRequests++;
    keyframeRequest.run();
  }

  private void retransmit(int seq) {
    byte[] original = cache.get(seq);
    if (original == null) {
      return;
    }
    retransmitted++;
    if (rtx == null) {
      out.rtp(Unpooled.wrappedBuffer(original.clone())); // same seq: SRTP protects it with the same index again
      return;
    }
    // RFC 4588 §4: RTX header, then the original sequence number, then the original payload
    int headerLength = 12 + 4 * (original[0] & 0x0F);
    boolean marker = (original[1] & 0x80) != 0;
    long ts = ((original[4] & 0xFFL) << 24) | ((original[5] & 0xFF) << 16) | ((original[6] & 0xFF) << 8) | (original[7] & 0xFF);
    ByteBuf payload = Unpooled.buffer(2 + original.length - headerLength);
    payload.writeShort(seq).writeBytes(original, headerLength, original.length - headerLength);
    sendRtp(rtx, neg.rtxPt(), marker, ts, payload, false);
  }

  /** 64-bit NTP timestamp of a wall-clock time. */
  static long ntp(long wallMillis) {
    long seconds = wallMillis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
    long fraction = (wallMillis % 1000) * 0x1_0000_0000L / 1000;
    return (seconds << 32) | fraction;
  }

  long videoPackets() {
    return video.packets;
  }

  WhipOffer offer() {
    return offer;
  }
}
