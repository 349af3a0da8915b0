package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.rtp.ExtensionIdMap;
import studio.tally.proto.rtp.GenericNack;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.server.webrtc.RtcTransport;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sdp.PlaySource;
import studio.tally.server.webrtc.sdp.SdpAnswerer;

/**
 * The sending side of one WHEP player: the publisher's packets rewritten per track
 * ({@link TrackRewriter}), video held back until a keyframe starts, a sender report per track every
 * second, the player's PLI/FIR passed on to the publisher, and its NACKs answered from the
 * publisher's packet cache (RTX when negotiated). {@link #forward} and {@link #onSourceReport} run on
 * this transport's event loop (its {@link LoopPlayers} group gets each source packet once per loop);
 * {@link #retransmit} runs on the publisher's loop, {@link #sourceChanged} on the caller's: the lock
 * serialises those rare calls with the fan-out (uncontended on the hot path) and is never held across
 * I/O waits ({@code sendRtp} copies and returns).
 */
public final class RtcSubscriberSession implements RtcTransport.Listener {
  private static final Logger log = LoggerFactory.getLogger(RtcSubscriberSession.class);
  static final int MAX_RETRANSMISSIONS_PER_NACK = 128;
  private static final FastThreadLocal<ByteBuf> REWRITE_SCRATCH = new FastThreadLocal<>() {
    @Override
    protected ByteBuf initialValue() {
      return Unpooled.buffer(2048);
    }
  };

  private final RtcStream stream;
  private final Negotiated negotiated;
  private final PlaySource source;
  private final InstantSource clock;
  private final Runnable onEnded;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final TrackRewriter audio;
  private final TrackRewriter video;
  private volatile RtcTransport transport;
  private volatile boolean connected;
  private volatile boolean waitingForKeyframe;
  private ScheduledFuture<?> reportTimer;
  /** The stream's players on this transport's loop, once connected (loop only). */
  private LoopPlayers group;
  /** RTX payload type and SSRC towards this player, -1/0 when it negotiated no RTX (plain resends). */
  private final int rtxPayloadType;
  private final int rtxSsrc;
  private int rtxSequence;
  private volatile long nacksReceived;
  private volatile long packetsNacked;
  private volatile long retransmissions;
  private volatile long rtxSent;
  private volatile long retransmissionsMissed;

  RtcSubscriberSession(RtcStream stream, Negotiated negotiated, PlaySource source, InstantSource clock,
      Runnable onEnded) {
    this.stream = stream;
    this.negotiated = negotiated;
    this.source = source;
    this.clock = clock;
    this.onEnded = onEnded;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    this.audio = negotiated.audio().filter(m -> source.audio() != null)
        .map(m -> new TrackRewriter(source.audio().ssrc(), m.codec().payloadType(), m.codec().clockRate(),
            r.nextInt(1 << 15), r.nextLong(1L << 32)))
        .orElse(null);
    this.video = negotiated.video().filter(m -> source.video() != null)
        .map(m -> new TrackRewriter(source.video().ssrc(), m.codec().payloadType(), m.codec().clockRate(),
            r.nextInt(1 << 15), r.nextLong(1L << 32)))
        .orElse(null);
    this.waitingForKeyframe = video != null;
    mapExtensions();
    Integer rtxPt = negotiated.video().map(Negotiated.Media::rtxPayloadType).orElse(null);
    boolean rtx = video != null && rtxPt != null && source.video().rtxSsrc() != null;
    this.rtxPayloadType = rtx ? rtxPt : -1;
    this.rtxSsrc = rtx ? (int) (long) source.video().rtxSsrc() : 0;
    this.rtxSequence = r.nextInt(1 << 15);
  }

  public Negotiated negotiated() {
    return negotiated;
  }

  public PlaySource source() {
    return source;
  }

  public RtcTransport transport() {
    return transport;
  }

  RtcStream stream() {
    return stream;
  }

  public void attach(RtcTransport t) {
    this.transport = t;
  }

  /** Connected and has video, but no keyframe forwarded yet since it joined or the publisher changed. */
  boolean waitingForKeyframe() {
    return connected && waitingForKeyframe;
  }

  /** Packets forwarded so far (audio, video). */
  public synchronized long[] packetsSent() {
    return new long[] {audio == null ? 0 : audio.packets(), video == null ? 0 : video.packets()};
  }

  /** NACK packets received from the player, and the packets they named. */
  public long nacksReceived() {
    return nacksReceived;
  }

  public long packetsNacked() {
    return packetsNacked;
  }

  /** Packets sent again for NACKs (plain or RTX), of which RTX. */
  public long retransmissions() {
    return retransmissions;
  }

  public long rtxSent() {
    return rtxSent;
  }

  /** NACKed packets that could not be sent again (not cached any more, or never sent from this source). */
  public long retransmissionsMissed() {
    return retransmissionsMissed;
  }

  /**
   * Sends the packets the player NACKed again, from the publisher's cache (on the publisher's loop):
   * as RTX when the player negotiated it, else as they were sent.
   */
  synchronized void retransmit(int[] sentSequences, PacketCache cache, long nowMicros) {
    if (!connected || video == null) {
      return;
    }
    for (int seq : sentSequences) {
      int original = video.sourceSequence(seq);
      ByteBuf cached = original < 0 ? null : cache.get(original, nowMicros);
      if (cached == null) {
        retransmissionsMissed++;
        continue;
      }
      RtpPacket p = RtpPacket.parse(cached);
      ByteBuf out = rtxPayloadType >= 0
          ? video.rtx(cached, p, rtxPayloadType, rtxSsrc, rtxSequence++ & 0xFFFF, alloc)
          : video.retransmission(cached, p, alloc);
      retransmissions++;
      if (rtxPayloadType >= 0) {
        rtxSent++;
      }
      try {
        transport.sendRtp(out);
      } finally {
        out.release();
      }
    }
  }

  /** One packet of the source (on this transport's loop); {@code packet} is not consumed. */
  synchronized void forward(Negotiated.Kind kind, ByteBuf packet, RtpPacket p, boolean keyframeStart, Instant now) {
    if (!connected) {
      return;
    }
    TrackRewriter track = kind == Negotiated.Kind.AUDIO ? audio : video;
    if (track == null) {
      return;
    }
    if (track == video && waitingForKeyframe) {
      if (!keyframeStart) {
        return;
      }
      waitingForKeyframe = false;
      video.rebase();
    }
    // rewritten into this thread's scratch buffer: sendRtp copies what it keeps before it returns
    ByteBuf out = REWRITE_SCRATCH.get().clear();
    transport.sendRtp(track.rewrite(packet, p, out, now));
  }

  synchronized void onSourceReport(Negotiated.Kind kind, SenderReport sr, Instant now) {
    TrackRewriter track = kind == Negotiated.Kind.AUDIO ? audio : video;
    if (track != null) {
      track.onSourceReport(sr.ntpTimestamp(), sr.rtpTimestamp(), now);
    }
  }

  /**
   * Renumbers the current publisher's end-to-end extensions ({@link SdpAnswerer#FORWARDED_EXTENSIONS})
   * to this player's ids; ones either side did not negotiate are dropped.
   */
  private void mapExtensions() {
    RtpSource p = stream.source();
    for (Negotiated.Kind kind : Negotiated.Kind.values()) {
      TrackRewriter track = kind == Negotiated.Kind.AUDIO ? audio : video;
      if (track == null) {
        continue;
      }
      Map<Integer, Integer> ids = new HashMap<>();
      Negotiated.Media mine = (kind == Negotiated.Kind.AUDIO ? negotiated.audio() : negotiated.video()).orElse(null);
      Negotiated.Media theirs = p == null ? null : p.media(kind).orElse(null);
      if (mine != null && theirs != null) {
        for (String uri : SdpAnswerer.FORWARDED_EXTENSIONS) {
          Integer from = theirs.extensions().get(uri);
          Integer to = mine.extensions().get(uri);
          if (from != null && to != null) {
            ids.put(from, to);
          }
        }
      }
      track.extensionIds(ids.isEmpty() ? ExtensionIdMap.NONE : new ExtensionIdMap(ids));
    }
  }

  /** Another publisher (or none) from now on: rebase both tracks and wait for a keyframe again. */
  synchronized void sourceChanged() {
    mapExtensions();
    if (audio != null) {
      audio.rebase();
    }
    if (video != null) {
      video.rebase();
      waitingForKeyframe = true;
    }
  }

  private void sendReports() {
    List<SenderReport> reports = new ArrayList<>(2);
    Instant now = clock.instant();
    synchronized (this) {
      for (TrackRewriter t : new TrackRewriter[] {audio, video}) {
        SenderReport sr = t == null ? null : t.senderReport(now);
        if (sr != null) {
          reports.add(sr);
        }
      }
    }
    RtcTransport t = transport;
    for (SenderReport sr : reports) {
      ByteBuf buf = alloc.buffer(28);
      try {
        sr.write(buf);
        t.sendRtcp(buf);
      } finally {
        buf.release();
      }
    }
  }

  @Override
  public void onConnected(RtcTransport t) {
    log.info("rtc player {} connected for {}", t, stream.key());
    connected = true;
    group = stream.playersOn(t.eventLoop());
    group.join(this);
    reportTimer = t.eventLoop().scheduleAtFixedRate(this::sendReports, 1, 1, TimeUnit.SECONDS);
    stream.requestKeyframe();
  }

  @Override
  public void onRtcp(RtcTransport t, ByteBuf packet) {
    List<RtcpPacket> packets;
    try {
      packets = RtcpPacket.parseCompound(packet);
    } catch (RuntimeException e) {
      return;
    }
    for (RtcpPacket r : packets) {
      if (RtcPublisherSession.asksForKeyframe(r)) {
        stream.requestKeyframe();
      } else if (r instanceof GenericNack nack && video != null && nack.mediaSsrc() == video.ssrc()
          && nack.lost().length > 0) {
        nacksReceived++;
        packetsNacked += nack.lost().length;
        RtpSource p = stream.source();
        if (p != null) {
          // one NACK may name thousands of packets: answer the first ones, not a burst of the whole cache
          int[] lost = nack.lost();
          p.retransmit(this, lost.length <= MAX_RETRANSMISSIONS_PER_NACK ? lost
              : java.util.Arrays.copyOf(lost, MAX_RETRANSMISSIONS_PER_NACK));
        }
      }
    }
  }

  @Override
  public void onClosed(RtcTransport t, String reason) {
    log.info("rtc player {} for {} closed: {}", t, stream.key(), reason);
    connected = false;
    if (group != null) {
      group.leave(this);
    }
    if (reportTimer != null) {
      reportTimer.cancel(false);
    }
    stream.unsubscribe(this);
    onEnded.run();
  }

  /** Forgets a session whose transport could not be created. */
  public void abandon() {
    stream.unsubscribe(this);
  }

  /** Closes the transport (from any thread); {@link #onClosed} follows on its loop. */
  public void close(String reason) {
    RtcTransport t = transport;
    if (t != null) {
      t.close(reason);
    }
  }
}
