package studio.tally.server.webrtc.sfu;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sdp.PlaySource;

/**
 * WebRTC streams by app/stream: WHIP publishers and WHEP subscribers, kept apart from the FLV hub
 * (the RTMP↔WebRTC bridge is a separate piece). Sessions are created here and attached to their
 * transport by the caller right after {@code createTransport}.
 */
public final class RtcStreamRegistry {
  /** How long players wait for a publisher that left to come back (SRS keeps players too). */
  public static final Duration DEFAULT_PUBLISHER_GRACE = Duration.ofSeconds(30);
  /** How long a player of a stream nobody publishes yet waits for its publisher (SRS lets it wait too). */
  public static final Duration DEFAULT_PLAY_WAIT = Duration.ofSeconds(30);

  private final ConcurrentHashMap<StreamKey, RtcStream> streams = new ConcurrentHashMap<>();
  private final InstantSource clock;
  private volatile Duration publisherGrace;
  private volatile Duration playWait = DEFAULT_PLAY_WAIT;
  /** RTP of unknown SSRCs dropped, by streams that are gone too (a stream's own count dies with it). */
  private final LongAdder unknownSsrcOfEndedStreams = new LongAdder();

  private volatile RtcMediaTap.PublisherObserver publisherObserver;

  /** Tells {@code observer} of every publisher that arrives or leaves from now on (one observer; null stops). */
  public void observePublishers(RtcMediaTap.PublisherObserver observer) {
    this.publisherObserver = observer;
  }

  void publisherChanged(RtcStream s, RtpSource source, boolean arrived) {
    RtcMediaTap.PublisherObserver o = publisherObserver;
    // only WebRTC publishers are observed (for the bridge to FLV): a source fed from the hub (an
    // RTMP stream bridged to WebRTC players) is in the hub already
    if (o != null && source instanceof RtcPublisherSession p) {
      if (arrived) {
        o.published(s, p);
      } else {
        o.unpublished(s, p);
      }
    }
  }

  public RtcStreamRegistry(InstantSource clock, Duration publisherGrace) {
    this.clock = clock;
    this.publisherGrace = publisherGrace;
  }

  public Optional<RtcStream> stream(StreamKey key) {
    return Optional.ofNullable(streams.get(key));
  }

  public Collection<RtcStream> streams() {
    return streams.values();
  }

  /** How long players wait for a returning publisher (applies to publishers that leave from now on). */
  public void setPublisherGrace(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("publisher grace must not be negative: " + grace);
    }
    this.publisherGrace = grace;
  }

  Duration publisherGrace() {
    return publisherGrace;
  }

  /** How long a player waits for a stream that is not live yet; zero refuses such players at once. */
  public void setPlayWait(Duration wait) {
    if (wait.isNegative()) {
      throw new IllegalArgumentException("play wait must not be negative: " + wait);
    }
    this.playWait = wait;
  }

  public Duration playWait() {
    return playWait;
  }

  /** The stream with this API id. */
  public Optional<RtcStream> streamById(String id) {
    return streams.values().stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Takes a rate sample of every stream (the server calls it with the hub's sampling). */
  public void sampleRates(long nowNanos) {
    for (RtcStream s : streams.values()) {
      s.stats().sample(nowNanos);
    }
  }

  /** RTP packets dropped for an unknown SSRC, over all streams since start. */
  public long unknownSsrcDropped() {
    long n = unknownSsrcOfEndedStreams.sum();
    for (RtcStream s : streams.values()) {
      n += s.stats().unknownSsrc.sum();
    }
    return n;
  }

  /** Whether {@code key} has a publisher now. */
  public boolean isPublishing(StreamKey key) {
    RtcStream s = streams.get(key);
    return s != null && s.source() != null;
  }

  /**
   * A publisher session for {@code key}, or empty when the stream already has one.
   *
   * @param onEnded runs once when its transport closes
   */
  public Optional<RtcPublisherSession> publish(StreamKey key, Negotiated negotiated, Runnable onEnded) {
    while (true) {
      RtcStream s = streams.computeIfAbsent(key, k -> new RtcStream(k, this, clock.instant()));
      RtcPublisherSession p = new RtcPublisherSession(s, negotiated, clock, onEnded);
      synchronized (s) {
        if (streams.get(key) != s) {
          continue; // removed meanwhile
        }
        return s.setPublisher(p) ? Optional.of(p) : Optional.empty();
      }
    }
  }

  /**
   * Makes {@code source} (not a WebRTC publisher: a bridge from another protocol) the source of
   * {@code key}; empty when the stream already has one.
   */
  public Optional<RtpFeed> attach(StreamKey key, RtpSource source) {
    while (true) {
      RtcStream s = streams.computeIfAbsent(key, k -> new RtcStream(k, this, clock.instant()));
      synchronized (s) {
        if (streams.get(key) != s) {
          continue; // removed meanwhile
        }
        return s.setPublisher(source) ? Optional.of(new RtpFeed(s, source)) : Optional.empty();
      }
    }
  }

  /**
   * What a new player of {@code key} would receive, with fresh random SSRCs; empty when nobody
   * publishes.
   */
  public Optional<PlaySource> playSource(StreamKey key) {
    RtcStream s = streams.get(key);
    RtpSource p = s == null ? null : s.source();
    if (p == null) {
      return Optional.empty();
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    PlaySource.Track audio = p.media(Negotiated.Kind.AUDIO).map(m -> new PlaySource.Track(m.codec().name(), m.codec().clockRate(),
        m.codec().channels(), m.codec().fmtp(), ssrc(r), null, "audio")).orElse(null);
    long videoSsrc = ssrc(r);
    long rtxSsrc = ssrc(r); // the SFU answers player NACKs itself, with RTX where the player offers it
    while (rtxSsrc == videoSsrc) {
      rtxSsrc = ssrc(r);
    }
    long videoRtxSsrc = rtxSsrc;
    PlaySource.Track video = p.media(Negotiated.Kind.VIDEO).map(m -> new PlaySource.Track(m.codec().name(), m.codec().clockRate(),
        1, m.codec().fmtp(), videoSsrc, videoRtxSsrc, "video")).orElse(null);
    return Optional.of(new PlaySource(key.app() + "-" + key.name(), "tally" + Long.toHexString(r.nextLong() >>> 16),
        audio, video));
  }

  /**
   * What a player of a stream that is not live yet is answered with: Opus 48 kHz stereo and one video
   * codec in our order of preference ({@code H264} 42e01f mode 1, {@code VP8}, {@code AV1}): the
   * caller tries them until one negotiates. A publisher that then arrives with another video codec
   * ends such a player ("publisher changed codec").
   */
  public PlaySource waitingPlaySource(StreamKey key, String videoCodec) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long videoSsrc = ssrc(r);
    long rtxSsrc = ssrc(r);
    while (rtxSsrc == videoSsrc) {
      rtxSsrc = ssrc(r);
    }
    PlaySource.Track video = switch (videoCodec) {
      case "H264" -> PlaySource.Track.h264("42e01f", videoSsrc, rtxSsrc, "video");
      default -> new PlaySource.Track(videoCodec, 90000, 1, java.util.Map.of(), videoSsrc, rtxSsrc, "video");
    };
    return new PlaySource(key.app() + "-" + key.name(), "tally" + Long.toHexString(r.nextLong() >>> 16),
        PlaySource.Track.opus(ssrc(r), "audio"), video);
  }

  /** The video codecs {@link #waitingPlaySource} tries, in order. */
  public static final java.util.List<String> WAITING_VIDEO_CODECS = java.util.List.of("H264", "VP8", "AV1");

  private static long ssrc(ThreadLocalRandom r) {
    return 1 + r.nextLong(0xFFFFFFFEL);
  }

  /** A subscriber session of {@code key}, or empty when nobody publishes there now. */
  public Optional<RtcSubscriberSession> subscribe(StreamKey key, Negotiated negotiated, PlaySource source,
      Runnable onEnded) {
    RtcStream s = streams.get(key);
    if (s == null) {
      return Optional.empty();
    }
    synchronized (s) {
      if (streams.get(key) != s || s.source() == null) {
        return Optional.empty();
      }
      RtcSubscriberSession sub = new RtcSubscriberSession(s, negotiated, source, clock, onEnded);
      s.subscribe(sub);
      return Optional.of(sub);
    }
  }

  /**
   * A subscriber of {@code key} whether or not anyone publishes: without a publisher it waits for one
   * (call {@link RtcSubscriberSession#attach} and then {@link #startWaiting}).
   */
  public RtcSubscriberSession subscribeOrWait(StreamKey key, Negotiated negotiated, PlaySource source,
      Runnable onEnded) {
    while (true) {
      RtcStream s = streams.computeIfAbsent(key, k -> new RtcStream(k, this, clock.instant()));
      synchronized (s) {
        if (streams.get(key) != s) {
          continue; // removed meanwhile
        }
        RtcSubscriberSession sub = new RtcSubscriberSession(s, negotiated, source, clock, onEnded);
        s.subscribe(sub);
        return sub;
      }
    }
  }

  /** Ends {@code sub} ("no publisher") if its stream still has no publisher after the play wait. */
  public void startWaiting(RtcSubscriberSession sub) {
    sub.stream().endIfNoPublisherAfter(sub, playWait);
  }

  void removeIfEmpty(RtcStream s) {
    synchronized (s) {
      if (s.isEmpty() && streams.remove(s.key(), s)) {
        unknownSsrcOfEndedStreams.add(s.stats().unknownSsrc.sum());
      }
    }
  }
}
