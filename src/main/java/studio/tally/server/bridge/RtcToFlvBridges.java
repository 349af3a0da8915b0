package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.MediaTag;
import studio.tally.server.hub.Publication;
import studio.tally.server.hub.PublishRefusedException;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sfu.RtcMediaTap;
import studio.tally.server.webrtc.sfu.RtcPublisherSession;
import studio.tally.server.webrtc.sfu.RtcStream;
import studio.tally.server.webrtc.sfu.RtcStreamRegistry;

/**
 * The glue between the WebRTC streams and the FLV hub (the one file that knows both): every WHIP
 * publisher (H.264 and/or Opus) is published into the {@link StreamHub} under its stream key, so
 * HTTP-FLV and RTMP players, the GOP cache and the API find it. Its media is tapped and bridged
 * ({@link RtcToFlvBridge}, on a thread of its own) only while the hub stream has a player; each
 * new player gets a keyframe asked for. A publisher that leaves closes its publication (players
 * linger); one that returns publishes again and the hub rebases it onto the same timeline.
 */
public final class RtcToFlvBridges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtcToFlvBridges.class);
  static final long TICK_MS = 20;
  static final long PLAYER_POLL_MS = 200;
  /** RTP packets waiting for the bridge thread beyond this are dropped (the jitter buffer sees a loss). */
  static final int MAX_QUEUED = 4096;

  private final StreamHub hub;
  private final RtcStreamRegistry rtc;
  private final AudioTranscoderFactory transcoders;
  private final Map<RtcPublisherSession, Link> links = new ConcurrentHashMap<>();

  private RtcToFlvBridges(StreamHub hub, RtcStreamRegistry rtc, AudioTranscoderFactory transcoders) {
    this.hub = hub;
    this.rtc = rtc;
    this.transcoders = transcoders;
  }

  /** Bridges every WebRTC publisher from now on into {@code hub}, its audio through {@code transcoders}. */
  public static RtcToFlvBridges start(StreamHub hub, RtcStreamRegistry rtc, AudioTranscoderFactory transcoders) {
    RtcToFlvBridges b = new RtcToFlvBridges(hub, rtc, transcoders);
    rtc.observePublishers(new RtcMediaTap.PublisherObserver() {
      @Override
      public void published(RtcStream stream, RtcPublisherSession publisher) {
        b.published(stream, publisher);
      }

      @Override
      public void unpublished(RtcStream stream, RtcPublisherSession publisher) {
        Link l = b.links.remove(publisher);
        if (l != null) l.close();
      }
    });
    return b;
  }

  private void published(RtcStream stream, RtcPublisherSession publisher) {
    Negotiated n = publisher.negotiated();
    boolean h264 = n.video().map(m -> m.codec().name().equalsIgnoreCase("H264")).orElse(true);
    boolean opus = n.audio().map(m -> m.codec().name().equalsIgnoreCase("opus")).orElse(true);
    if (!h264 || !opus) {
      log.info("{}: not bridged to FLV (H.264 and Opus only; this publisher sends {} / {})", stream.key(),
          n.video().map(m -> m.codec().name()).orElse("-"), n.audio().map(m -> m.codec().name()).orElse("-"));
      return;
    }
    Client client = new Client(hub.newId(), Client.Type.RTC_PUBLISH, "", stream.key(), "", "",
        hub.clock().instant(), reason -> {
          Link l = links.remove(publisher);
          if (l != null) l.close();
        });
    Publication publication;
    try {
      publication = hub.publish(stream.key(), client, "");
    } catch (PublishRefusedException e) {
      log.info("{}: WebRTC publisher not bridged to FLV: {}", stream.key(), e.getMessage());
      return;
    }
    links.put(publisher, new Link(stream, publisher, publication));
  }

  /** Bridges of publishers now live (for tests and the API). */
  int activeBridges() {
    return (int) links.values().stream().filter(l -> l.tapped).count();
  }

  /** What one bridge did so far (FLV frames out, what it asked for and what it skipped). */
  public record Stats(long videoFrames, long audioFrames, long keyframeRequests, long undecodableAudio,
      long audioRealigned, long wildSenderReports, long sequenceResets) {}

  /** The bridge of {@code key}'s current WebRTC publisher, if it is bridged. */
  public java.util.Optional<Stats> stats(studio.tally.server.hub.StreamKey key) {
    return links.values().stream().filter(l -> l.stream.key().equals(key)).findFirst().map(l -> {
      RtcToFlvBridge.Counters c = l.counters;
      return new Stats(c.videoFrames.sum(), c.audioFrames.sum(), c.keyframeRequests.sum(), c.undecodableAudio.sum(),
          c.audioRealigned.sum(), c.wildSenderReports.sum(), c.sequenceResets.sum());
    });
  }

  @Override
  public void close() {
    rtc.observePublishers(null);
    links.values().forEach(Link::close);
    links.clear();
  }

  /** One bridged publisher: its hub publication, its bridge thread, and its tap while players exist. */
  private final class Link implements RtcMediaTap, RtcToFlvBridge.Output {
    final RtcStream stream;
    final RtcPublisherSession publisher;
    final Publication publication;
    final RtcToFlvBridge.Counters counters = new RtcToFlvBridge.Counters();
    final ScheduledExecutorService thread;
    final RtcToFlvBridge bridge;
    final AtomicInteger queued = new AtomicInteger();
    volatile boolean tapped;
    int players;
    boolean closed;

    Link(RtcStream stream, RtcPublisherSession publisher, Publication publication) {
      this.stream = stream;
      this.publisher = publisher;
      this.publication = publication;
      this.thread = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("rtc2flv-" + stream.key()).daemon().factory());
      this.bridge = new RtcToFlvBridge(PooledByteBufAllocator.DEFAULT, transcoders, publisher::requestKeyframe, this,
          counters);
      thread.scheduleAtFixedRate(() -> {
        if (tapped) bridge.tick(nowMicros());
      }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
      thread.scheduleAtFixedRate(this::pollPlayers, 0, PLAYER_POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void pollPlayers() {
      if (closed) return;
      int now = publication.isActive() ? publication.stream().playerCount() : 0;
      if (now > 0 && !tapped) {
        bridge.restart(nowMicros());
        tapped = true;
        stream.tap(this);
        log.info("{}: bridging the WebRTC publisher to {} FLV/RTMP player(s)", stream.key(), now);
      } else if (now == 0 && tapped) {
        tapped = false;
        stream.tap(null);
        log.info("{}: no FLV/RTMP player left, WebRTC -> FLV paused", stream.key());
      } else if (now > players) {
        bridge.askForKeyframe(nowMicros()); // a player joined: a fresh keyframe soon, not only the cached GOP
      }
      players = now;
    }

    @Override
    public void onRtp(RtcPublisherSession from, Negotiated.Kind kind, ByteBuf packet, RtpPacket h, long arrivalMicros) {
      if (from != publisher || !tapped) return;
      if (queued.incrementAndGet() > MAX_QUEUED) {
        queued.decrementAndGet();
        return;
      }
      byte[] payload = new byte[h.payloadLength()];
      packet.getBytes(packet.readerIndex() + h.payloadOffset(), payload);
      var p = new RtpToAccessUnits.Packet(h.ssrc(), h.sequence(), h.timestamp(), h.marker(), payload, arrivalMicros);
      run(() -> {
        queued.decrementAndGet();
        if (kind == Negotiated.Kind.VIDEO) bridge.onVideo(p, nowMicros());
        else bridge.onAudio(p, nowMicros());
      });
    }

    @Override
    public void onSenderReport(RtcPublisherSession from, Negotiated.Kind kind, SenderReport sr, long arrivalMicros) {
      if (from != publisher) return;
      long ntp = sr.ntpTimestamp();
      long rtp = sr.rtpTimestamp();
      run(() -> bridge.onSenderReport(kind == Negotiated.Kind.VIDEO, ntp, rtp));
    }

    @Override
    public void video(long timestampMs, ByteBuf body) {
      publication.onMedia(MediaTag.Kind.VIDEO, timestampMs, body);
    }

    @Override
    public void audio(long timestampMs, ByteBuf body) {
      publication.onMedia(MediaTag.Kind.AUDIO, timestampMs, body);
    }

    private void run(Runnable r) {
      try {
        thread.execute(() -> {
          if (!closed) r.run();
        });
      } catch (RejectedExecutionException e) {
        // closing: nothing more to bridge
      }
    }

    void close() {
      if (stream.tap() == this) stream.tap(null);
      tapped = false;
      try {
        thread.execute(() -> {
          closed = true;
          if (stream.tap() == this) stream.tap(null);
          bridge.close();
          publication.close();
        });
      } catch (RejectedExecutionException e) {
        return;
      }
      thread.shutdown();
    }
  }

  private static long nowMicros() {
    return System.nanoTime() / 1_000;
  }
}
