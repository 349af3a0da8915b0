package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.rtp.FullIntraRequest;
import studio.tally.proto.rtp.GenericNack;
import studio.tally.proto.rtp.H264Depacketizer;
import studio.tally.proto.rtp.PictureLossIndication;
import studio.tally.proto.rtp.ReceiverReport;
import studio.tally.proto.rtp.Remb;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.proto.rtp.RtpException;
import studio.tally.proto.rtp.RtpExtension;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.Rtx;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.proto.rtp.TransportCcFeedback;
import studio.tally.proto.rtp.Vp8PayloadDescriptor;
import studio.tally.server.webrtc.RtcTransport;
import studio.tally.server.webrtc.sdp.Feedback;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sdp.SdpAnswerer;

/**
 * The receiving side of one WHIP publisher: classifies its decrypted RTP by payload type (the chosen
 * audio and video codec, and video RTX, unwrapped into the original packet; anything else is
 * dropped), marks keyframe starts and hands each packet to every subscriber of the stream. Asks for
 * keyframes (PLI) when a subscriber joins and every second while one still waits. Players on this
 * session's loop get each packet inline; each other loop with players gets it once, as one task
 * ({@link LoopPlayers}).
 *
 * <p>Feedback to the publisher, every {@link #TICK_MS} ms: transport-wide congestion control
 * feedback when {@code transport-cc} was negotiated and the publisher stamps the transport-wide
 * sequence (its own estimator ramps up from the receive deltas); otherwise — not negotiated, or
 * negotiated but not stamped for a second — a REMB every second ({@link RembEstimate}); NACKs for
 * gaps in the video sequence numbers when {@code nack} was; and a receiver report about once a
 * second with a block per audio and video SSRC (loss, jitter, LSR/DLSR: {@link ReceptionStats}). Video packets
 * are kept in a {@link PacketCache} to answer the players' NACKs. Runs on the transport's event loop;
 * player NACKs are brought here ({@link #retransmit}) so the cache has one thread.
 */
public final class RtcPublisherSession implements RtcTransport.Listener, RtpSource {
  private static final Logger log = LoggerFactory.getLogger(RtcPublisherSession.class);
  /** Our SSRC as the sender of feedback (a receive-only session sends no media). */
  private static final int FEEDBACK_SSRC = 1;
  static final int TICK_MS = 25;
  private static final int MAX_NACKS_PER_TICK = 64;

  private final RtcStream stream;
  private final Negotiated negotiated;
  private final InstantSource clock;
  private final Runnable onEnded;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final int audioPt;
  private final int videoPt;
  private final int videoRtxPt;
  private final boolean vp8;
  private final boolean h264;
  private final PublisherSsrcs ssrcs;
  private final int audioTransportCcId;
  private final int videoTransportCcId;
  private final boolean sendNacks;
  private final TransportCcRecorder transportCc;
  /** Sent when transport-cc is not negotiated or not stamped: then the publisher's only bandwidth signal. */
  private final RembEstimate remb;
  /** When the last transport-wide sequence number arrived (nanos), or MIN_VALUE. */
  private long lastStampNanos = Long.MIN_VALUE;
  private long firstRtpNanos = Long.MIN_VALUE;
  private boolean inBandSps;
  private final ReceiverReports reports;
  private volatile long receiverReportsSent;
  private long lostReported;
  private final MissingPackets missing = MissingPackets.withDefaults();
  private long firstArrivalNanos = Long.MIN_VALUE;
  private PacketCache cache;
  private boolean closed;
  private volatile RtcTransport transport;
  private volatile int videoSsrc;
  private volatile boolean videoSsrcKnown;
  private int audioSsrc;
  private ScheduledFuture<?> keyframeTimer;
  private ScheduledFuture<?> feedbackTimer;
  private long ticks;
  // counters: written on the transport's loop only, read from anywhere
  private volatile long videoPackets;
  private volatile long videoBytes;
  private volatile long nacksSent;
  private volatile long packetsNacked;
  private volatile long rtxReceived;
  private volatile long rtxPadding;
  private volatile long recovered;
  private volatile long feedbackSent;
  private volatile long rembSent;
  private volatile long lastRembBps;

  RtcPublisherSession(RtcStream stream, Negotiated negotiated, InstantSource clock, Runnable onEnded) {
    this.stream = stream;
    this.negotiated = negotiated;
    this.clock = clock;
    this.onEnded = onEnded;
    this.audioPt = negotiated.audio().map(m -> m.codec().payloadType()).orElse(-1);
    this.videoPt = negotiated.video().map(m -> m.codec().payloadType()).orElse(-1);
    this.videoRtxPt = negotiated.video().map(Negotiated.Media::rtxPayloadType).orElse(-1);
    this.vp8 = negotiated.video().map(m -> m.codec().name().equalsIgnoreCase("VP8")).orElse(false);
    this.h264 = negotiated.video().map(m -> m.codec().name().equalsIgnoreCase("H264")).orElse(false);
    this.ssrcs = new PublisherSsrcs(negotiated);
    this.audioTransportCcId = transportCcId(negotiated.audio().orElse(null));
    this.videoTransportCcId = transportCcId(negotiated.video().orElse(null));
    this.transportCc = audioTransportCcId > 0 || videoTransportCcId > 0 ? new TransportCcRecorder() : null;
    this.remb = negotiated.video().isPresent() ? new RembEstimate() : null;
    this.reports = new ReceiverReports(negotiated);
    this.sendNacks = negotiated.video().map(m -> m.feedback().contains(Feedback.NACK)).orElse(false);
    negotiated.video().flatMap(m -> m.remoteSsrcs().stream().findFirst()).ifPresent(s -> {
      videoSsrc = (int) s.ssrc();
      videoSsrcKnown = true;
    });
  }

  /** The transport-cc extension id of an m-line that negotiated transport-cc feedback, else -1. */
  private static int transportCcId(Negotiated.Media m) {
    if (m == null || !m.feedback().contains(Feedback.TRANSPORT_CC)) {
      return -1;
    }
    return m.extensionId(SdpAnswerer.EXT_TRANSPORT_CC).orElse(-1);
  }

  public Negotiated negotiated() {
    return negotiated;
  }

  @Override
  public java.util.Optional<Negotiated.Media> media(Negotiated.Kind kind) {
    return kind == Negotiated.Kind.AUDIO ? negotiated.audio() : negotiated.video();
  }

  /** Asks for a keyframe on this session's loop (a PLI, once DTLS is up). */
  @Override
  public void keyframeWanted() {
    RtcTransport t = transport;
    if (t != null) {
      try {
        t.eventLoop().execute(this::requestKeyframe);
      } catch (RejectedExecutionException e) {
        // shutting down
      }
    }
  }

  public RtcTransport transport() {
    return transport;
  }

  /** Called once, right after the transport is created. */
  public void attach(RtcTransport t) {
    this.transport = t;
  }

  /** Forgets a session whose transport could not be created. */
  public void abandon() {
    stream.publisherLeft(this);
  }

  /** Video RTP packets received (RTX unwrapped included), for bitrate figures. */
  public long videoPacketsReceived() {
    return videoPackets;
  }

  /** Video RTP bytes received (whole packets, RTX unwrapped included). */
  public long videoBytesReceived() {
    return videoBytes;
  }

  /** NACK packets sent upstream, and the packets they named (retries included). */
  public long nacksSent() {
    return nacksSent;
  }

  public long packetsNacked() {
    return packetsNacked;
  }

  /** RTX packets received carrying a packet, and padding-only ones (bandwidth probes). */
  public long rtxReceived() {
    return rtxReceived;
  }

  public long rtxPaddingReceived() {
    return rtxPadding;
  }

  /** Missing packets that arrived later (by RTX or reordered). */
  public long packetsRecovered() {
    return recovered;
  }

  /** Transport-cc feedback packets sent. */
  public long transportCcFeedbackSent() {
    return feedbackSent;
  }

  /** Receiver reports sent (one compound RR with a block per SSRC, about once a second). */
  public long receiverReportsSent() {
    return receiverReportsSent;
  }

  /** REMB packets sent (when transport-cc is not negotiated or the publisher does not stamp it), and the last bitrate. */
  public long rembSent() {
    return rembSent;
  }

  public long lastRembBitrate() {
    return lastRembBps;
  }

  /** Sends a PLI for the video track now (from any thread; dropped before DTLS is up). */
  public void requestKeyframe() {
    RtcTransport t = transport;
    if (t == null || videoPt < 0 || !videoSsrcKnown || t.state() != RtcTransport.State.CONNECTED) {
      return;
    }
    sendRtcp(t, new PictureLossIndication(FEEDBACK_SSRC, videoSsrc), 12);
  }

  private void sendRtcp(RtcTransport t, RtcpPacket packet, int sizeHint) {
    ByteBuf buf = alloc.buffer(sizeHint);
    try {
      packet.write(buf);
      t.sendRtcp(buf);
    } finally {
      buf.release();
    }
  }

  @Override
  public void onConnected(RtcTransport t) {
    log.info("rtc publisher {} connected for {}", t, stream.key());
    keyframeTimer = t.eventLoop().scheduleAtFixedRate(() -> {
      if (stream.anySubscriberWaitingForKeyframe()) {
        requestKeyframe();
      }
    }, 1, 1, TimeUnit.SECONDS);
    feedbackTimer = t.eventLoop().scheduleAtFixedRate(() -> sendFeedback(t), TICK_MS, TICK_MS,
        TimeUnit.MILLISECONDS);
    requestKeyframe();
  }

  /** NACKs every tick, transport-cc feedback every other one (~50 ms). */
  private void sendFeedback(RtcTransport t) {
    if (closed || t.state() != RtcTransport.State.CONNECTED) {
      return;
    }
    long now = micros(clock.instant());
    if (sendNacks && videoSsrcKnown && missing.size() > 0) {
      int[] due = missing.due(now, MAX_NACKS_PER_TICK);
      if (due.length > 0) {
        nacksSent++; // counted first: a test may see the packet before this loop goes on
        packetsNacked += due.length;
        sendRtcp(t, GenericNack.of(FEEDBACK_SSRC, videoSsrc, due), 12 + 4 * due.length);
      }
    }
    long tick = ticks++;
    // A transport-cc publisher counts as stamping until a second passes without a stamp, counted from
    // its first packet: a REMB sent before its first stamp arrived would cap its send-side estimate
    // (libwebrtc keeps the last REMB as a ceiling) and it would never ramp up.
    long lastEvidence = lastStampNanos != Long.MIN_VALUE ? lastStampNanos : firstRtpNanos;
    boolean stamping = transportCc != null
        && (lastEvidence == Long.MIN_VALUE || System.nanoTime() - lastEvidence < 1_000_000_000L);
    if (tick % (1000 / TICK_MS) == (1000 / TICK_MS) / 2) {
      sendReceiverReport(t);
    }
    if (remb != null && !stamping && videoSsrcKnown && tick % (1000 / TICK_MS) == 0) {
      long lost = missing.lostTotal();
      remb.lost((int) (lost - lostReported));
      lostReported = lost;
      long bps = remb.update(now);
      lastRembBps = bps;
      rembSent++;
      sendRtcp(t, new Remb(FEEDBACK_SSRC, bps, new int[] {videoSsrc}), 24);
    }
    if (transportCc != null && (tick & 1) == 0) {
      int media = videoSsrcKnown ? videoSsrc : audioSsrc;
      TransportCcFeedback fb;
      while ((fb = transportCc.poll(FEEDBACK_SSRC, media)) != null) {
        feedbackSent++;
        sendRtcp(t, fb, 20 + 3 * fb.packetStatusCount());
      }
    }
  }

  /** One RR with a block per SSRC we received from (RFC 3550 §6.4.2); our SSRC is the feedback one. */
  private void sendReceiverReport(RtcTransport t) {
    ReceiverReport rr = reports.report(FEEDBACK_SSRC, System.nanoTime() / 1_000);
    if (rr != null) {
      receiverReportsSent++;
      sendRtcp(t, rr, 8 + 24 * rr.reports().size());
    }
  }

  @Override
  public void onRtp(RtcTransport t, ByteBuf packet) {
    onRtp(t, packet, System.nanoTime());
  }

  @Override
  public void onRtp(RtcTransport t, ByteBuf packet, long receivedNanos) {
    if (closed) {
      return;
    }
    RtpPacket p;
    try {
      p = RtpPacket.parse(packet);
    } catch (RtpException e) {
      return;
    }
    if (firstRtpNanos == Long.MIN_VALUE) {
      firstRtpNanos = receivedNanos;
    }
    Instant now = clock.instant();
    int at = packet.readerIndex();
    int pt = p.payloadType();
    if (transportCc != null && p.hasExtension()) {
      recordTransportCc(packet, at, p, pt == audioPt ? audioTransportCcId : videoTransportCcId, receivedNanos);
    }
    if (!ssrcs.accept(p)) { // after transport-cc: the sender counts every transport-wide seq it sent
      stream.stats().unknownSsrc.increment();
      return;
    }
    if (pt == videoPt) {
      reports.of(Negotiated.Kind.VIDEO, p.ssrc()).received(p.sequence(), p.timestamp(), receivedNanos / 1_000, true);
      onVideo(packet, p, now);
    } else if (pt == audioPt) {
      reports.of(Negotiated.Kind.AUDIO, p.ssrc()).received(p.sequence(), p.timestamp(), receivedNanos / 1_000, true);
      audioSsrc = p.ssrc();
      RtcMediaTap tap = stream.tap();
      if (tap != null) {
        tap.onRtp(this, Negotiated.Kind.AUDIO, packet, p, receivedNanos / 1_000);
      }
      LoopPlayers.fanOut(stream.loopPlayers(), alloc, Negotiated.Kind.AUDIO, packet, p, false, now);
    } else if (pt == videoRtxPt && videoPt >= 0) {
      onVideoRtx(packet, at, p, now);
    }
    // RED, FEC, anything else: not forwarded
  }

  private void recordTransportCc(ByteBuf packet, int at, RtpPacket p, int id, long receivedNanos) {
    if (id <= 0) {
      return;
    }
    try {
      RtpExtension e = p.extension(packet, at, id);
      if (e != null && e.length() == 2) {
        lastStampNanos = receivedNanos;
        // socket arrival, relative to the first packet: keeps the 24-bit reference time small
        if (firstArrivalNanos == Long.MIN_VALUE) {
          firstArrivalNanos = receivedNanos;
        }
        transportCc.received(packet.getUnsignedShort(at + e.offset()), (receivedNanos - firstArrivalNanos) / 1_000);
      }
    } catch (RtpException e) {
      // malformed extension block: the packet itself may still be fine
    }
  }

  /** A video packet of the publisher, straight or unwrapped from RTX. */
  private void onVideo(ByteBuf packet, RtpPacket p, Instant now) {
    long nowMicros = micros(now);
    if (!videoSsrcKnown || videoSsrc != p.ssrc()) {
      videoSsrc = p.ssrc();
      videoSsrcKnown = true;
      if (cache != null) {
        cache.clear();
      }
    }
    if (cache == null) {
      cache = PacketCache.withDefaults(alloc);
    }
    MissingPackets.Arrival arrival = missing.received(p.sequence(), nowMicros);
    switch (arrival) {
      case RECOVERED -> recovered++;
      case DUPLICATE_OR_LATE -> {
        // already forwarded (an RTX answering a NACK twice, a probe resending an old packet, a
        // duplicate), or given up on: players have it or stopped waiting, and an old packet put into
        // the cache would evict the newer one in its slot
        return;
      }
      case GAP_TOO_WIDE -> requestKeyframe();
      case IN_ORDER -> { }
    }
    videoPackets++;
    videoBytes += packet.readableBytes();
    if (remb != null) {
      remb.received(packet.readableBytes());
    }
    cache.put(packet, packet.readerIndex(), packet.readableBytes(), p.sequence(), nowMicros);
    ByteBuf payload = packet.slice(packet.readerIndex() + p.payloadOffset(), p.payloadLength());
    boolean keyframe = isKeyframeStart(payload);
    stream.stats().onVideo(packet, p, keyframe, h264);
    RtcMediaTap tap = stream.tap();
    if (tap != null) {
      tap.onRtp(this, Negotiated.Kind.VIDEO, packet, p, System.nanoTime() / 1_000);
    }
    LoopPlayers.fanOut(stream.loopPlayers(), alloc, Negotiated.Kind.VIDEO, packet, p, keyframe, now);
  }

  /** RFC 4588: an RTX packet carries the original sequence number first, then the original payload. */
  private void onVideoRtx(ByteBuf packet, int at, RtpPacket p, Instant now) {
    if (!Rtx.carriesPacket(p)) {
      rtxPadding++; // bandwidth probe: counted by transport-cc above, nothing to forward
      return;
    }
    if (!videoSsrcKnown) {
      return;
    }
    rtxReceived++;
    ByteBuf original = alloc.buffer(p.payloadOffset() + p.payloadLength());
    try {
      Rtx.unwrap(original, packet, at, p, videoPt, videoSsrc);
      RtpPacket o = RtpPacket.parse(original);
      // a retransmission: received for the loss count, but its late arrival says nothing about jitter
      reports.of(Negotiated.Kind.VIDEO, o.ssrc()).received(o.sequence(), o.timestamp(), System.nanoTime() / 1_000, false);
      onVideo(original, o, now);
    } finally {
      original.release();
    }
  }

  /**
   * Answers a player's NACK from the cache, on this session's loop ({@code sentSequences} are the
   * player's numbers; its track maps them back).
   */
  @Override
  public void retransmit(RtcSubscriberSession subscriber, int[] sentSequences) {
    RtcTransport t = transport;
    if (t == null) {
      return;
    }
    try {
      t.eventLoop().execute(() -> {
        if (!closed && cache != null) {
          subscriber.retransmit(sentSequences, cache, micros(clock.instant()));
        }
      });
    } catch (RejectedExecutionException e) {
      // shutting down: nothing to resend
    }
  }

  private boolean isKeyframeStart(ByteBuf payload) {
    if (vp8) {
      try {
        return Vp8PayloadDescriptor.parse(payload).keyframe();
      } catch (RtpException e) {
        return false;
      }
    }
    // A publisher that sends SPS/PPS in band starts its keyframes there: a player let in at the IDR
    // itself would miss the parameter sets sent in the packets just before it.
    if (H264Depacketizer.carriesSps(payload)) {
      inBandSps = true;
      return true;
    }
    return !inBandSps && H264Depacketizer.startsKeyframe(payload);
  }

  @Override
  public void onRtcp(RtcTransport t, ByteBuf packet) {
    List<RtcpPacket> packets;
    try {
      packets = RtcpPacket.parseCompound(packet);
    } catch (RuntimeException e) {
      return;
    }
    Instant now = clock.instant();
    for (RtcpPacket r : packets) {
      if (r instanceof SenderReport sr) {
        Negotiated.Kind kind = videoSsrcKnown && sr.ssrc() == videoSsrc ? Negotiated.Kind.VIDEO
            : sr.ssrc() == audioSsrc ? Negotiated.Kind.AUDIO : null;
        reports.senderReport(sr.ssrc(), sr.compactNtp(), System.nanoTime() / 1_000);
        RtcMediaTap tap = stream.tap();
        if (kind != null && tap != null) {
          tap.onSenderReport(this, kind, sr, System.nanoTime() / 1_000);
        }
        if (kind != null) {
          LoopPlayers.sourceReport(stream.loopPlayers(), kind, sr, now);
        }
      }
    }
  }

  @Override
  public void onClosed(RtcTransport t, String reason) {
    log.info("rtc publisher {} for {} closed: {}", t, stream.key(), reason);
    closed = true;
    if (keyframeTimer != null) {
      keyframeTimer.cancel(false);
    }
    if (feedbackTimer != null) {
      feedbackTimer.cancel(false);
    }
    if (cache != null) {
      cache.close();
    }
    stream.publisherLeft(this);
    onEnded.run();
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** Whether a FIR/PLI from a player names media we can ask the publisher for. */
  static boolean asksForKeyframe(RtcpPacket r) {
    return r instanceof PictureLossIndication || r instanceof FullIntraRequest;
  }
}
