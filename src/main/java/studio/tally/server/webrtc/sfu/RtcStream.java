package studio.tally.server.webrtc.sfu;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.RtcTransport;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * One WebRTC stream: at most one publisher and its subscribers. Subscribers outlive their publisher
 * for the registry's publisher grace: a publisher coming back in that time is picked up (rebased, re-PLI'd);
 * otherwise their transports are closed ("publisher left"). A returning publisher whose codec differs
 * from what a subscriber negotiated ends that subscriber ("publisher changed codec"); a publisher
 * kicked through the API ends its subscribers at once ("publisher kicked").
 */
public final class RtcStream {
  private static final Logger log = LoggerFactory.getLogger(RtcStream.class);
  private final String id = "rtc-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final Instant createdAt;
  private final RtcStreamStats stats = new RtcStreamStats();
  private final StreamKey key;
  private final RtcStreamRegistry registry;
  private volatile RtpSource publisher;
  private volatile RtpSource kicked;
  /** Bumped by every publisher change, so a grace timer of an earlier departure does nothing. */
  private long generation;
  private final CopyOnWriteArrayList<RtcSubscriberSession> subscribers = new CopyOnWriteArrayList<>();
  /** The connected players grouped by their transports' loops (copy on write, under {@link #loopPlayersLock}). */
  private volatile LoopPlayers[] loopPlayers = new LoopPlayers[0];
  private final Object loopPlayersLock = new Object();
  private volatile RtcMediaTap tap;

  RtcStream(StreamKey key, RtcStreamRegistry registry, Instant createdAt) {
    this.createdAt = createdAt;
    this.key = key;
    this.registry = registry;
  }

  public StreamKey key() {
    return key;
  }

  /** Stable id for the status API ({@code /api/v1/streams/{id}}). */
  public String id() {
    return id;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public RtcStreamStats stats() {
    return stats;
  }

  /** The current source: a WebRTC publisher, a bridge from another protocol, or null. */
  public RtpSource source() {
    return publisher;
  }

  /** The current source when it is a WebRTC publisher session, else null. */
  public RtcPublisherSession publisher() {
    return publisher instanceof RtcPublisherSession p ? p : null;
  }

  public List<RtcSubscriberSession> subscribers() {
    return subscribers;
  }

  /** The connected players by event loop: what a source's packet is handed to, once per loop. */
  LoopPlayers[] loopPlayers() {
    return loopPlayers;
  }

  /** The group of this stream's players on {@code loop}, made on first use (groups stay for the stream's life: one per loop at most). */
  LoopPlayers playersOn(io.netty.channel.EventLoop loop) {
    for (LoopPlayers g : loopPlayers) {
      if (g.loop == loop) {
        return g;
      }
    }
    synchronized (loopPlayersLock) {
      for (LoopPlayers g : loopPlayers) {
        if (g.loop == loop) {
          return g;
        }
      }
      LoopPlayers g = new LoopPlayers(loop);
      LoopPlayers[] a = java.util.Arrays.copyOf(loopPlayers, loopPlayers.length + 1);
      a[a.length - 1] = g;
      loopPlayers = a;
      return g;
    }
  }

  /** Starts ({@code tap} non-null) or stops handing the publisher's media to a non-WebRTC reader. */
  public void tap(RtcMediaTap tap) {
    this.tap = tap;
  }

  public RtcMediaTap tap() {
    return tap;
  }

  boolean anySubscriberWaitingForKeyframe() {
    for (RtcSubscriberSession s : subscribers) {
      if (s.waitingForKeyframe()) {
        return true;
      }
    }
    return false;
  }

  /** PLI to the publisher, if there is one. */
  void requestKeyframe() {
    RtpSource p = publisher;
    if (p != null) {
      p.keyframeWanted();
    }
  }

  synchronized boolean setPublisher(RtpSource p) {
    if (publisher != null) {
      return false;
    }
    publisher = p;
    generation++;
    stats.resetCodecInfo();
    for (RtcSubscriberSession s : subscribers) {
      if (compatible(s.negotiated(), p, Negotiated.Kind.VIDEO)) {
        if (compatible(s.negotiated(), p, Negotiated.Kind.AUDIO)) {
          s.sourceChanged();
          log.debug("{}: player {} resumes with the new publisher", key, s.transport());
          continue;
        }
      }
      s.close("publisher changed codec");
    }
    registry.publisherChanged(this, p, true);
    return true;
  }

  /** The player's codec for {@code kind} is the source's, or one of them has no such track. */
  private static boolean compatible(Negotiated player, RtpSource source, Negotiated.Kind kind) {
    var mine = kind == Negotiated.Kind.AUDIO ? player.audio() : player.video();
    var theirs = source.media(kind);
    return mine.isEmpty() || theirs.isEmpty()
        || mine.get().codec().name().equalsIgnoreCase(theirs.get().codec().name());
  }

  void publisherLeft(RtpSource p) {
    synchronized (this) {
      if (publisher != p) {
        return;
      }
      publisher = null;
      registry.publisherChanged(this, p, false);
      long left = ++generation;
      boolean wasKicked = kicked == p;
      long graceMs = registry.publisherGrace().toMillis();
      for (RtcSubscriberSession s : subscribers) {
        s.sourceChanged();
        RtcTransport t = s.transport();
        if (wasKicked) {
          s.close("publisher kicked");
        } else if (t != null) {
          t.eventLoop().schedule(() -> endIfStillGone(s, left), graceMs, TimeUnit.MILLISECONDS);
        }
      }
    }
    registry.removeIfEmpty(this);
  }

  private void endIfStillGone(RtcSubscriberSession s, long left) {
    endIfStillGone(s, left, "publisher left");
  }

  private void endIfStillGone(RtcSubscriberSession s, long left, String reason) {
    synchronized (this) {
      if (publisher != null || generation != left) {
        return;
      }
    }
    s.close(reason);
  }

  /** A player that subscribed before any publisher: ended ("no publisher") if none arrives in {@code wait}. */
  void endIfNoPublisherAfter(RtcSubscriberSession s, java.time.Duration wait) {
    long now;
    synchronized (this) {
      if (publisher != null) {
        return;
      }
      now = generation;
    }
    RtcTransport t = s.transport();
    if (t != null) {
      t.eventLoop().schedule(() -> endIfStillGone(s, now, "no publisher"), wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Marks {@code p} as kicked: when its transport closes, subscribers end at once instead of waiting. */
  public void kick(RtpSource p) {
    kicked = p;
  }

  void subscribe(RtcSubscriberSession s) {
    subscribers.add(s);
  }

  void unsubscribe(RtcSubscriberSession s) {
    subscribers.remove(s);
    RtpSource p = publisher;
    if (p != null) {
      p.playersChanged(subscribers.size());
    }
    registry.removeIfEmpty(this);
  }

  synchronized boolean isEmpty() {
    return publisher == null && subscribers.isEmpty();
  }
}
