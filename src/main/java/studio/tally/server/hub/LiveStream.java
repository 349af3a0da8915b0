package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live stream: its publisher, the caches a new player starts from (metadata, sequence headers,
 * the GOP since the latest keyframe) and its players grouped by event loop. State changes hold the
 * stream's lock briefly; fan-out happens on the players' own loops (see {@link SubscriberGroup}).
 *
 * <p>The stream has one timeline: when a new publisher takes over, its timestamps are rebased to
 * continue where the previous one stopped, so every player keeps a monotonic clock and the shared
 * FLV buffers stay valid for all of them.
 */
public final class LiveStream {
  private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

  private final String id;
  private final StreamKey key;
  private final StreamHub hub;
  private final ByteBufAllocator alloc;
  private final HubLimits limits;
  private final StreamCounters counters = new StreamCounters();
  private final ByteRate recvRate = new ByteRate(counters.recvBytes::sum);
  private final ByteRate sendRate = new ByteRate(counters.sendBytes::sum);
  private final Instant createdAt;

  // guarded by this
  private Active publisher;
  private MediaTag metadata;
  private MediaTag videoConfig;
  private MediaTag audioConfig;
  private final ArrayDeque<MediaTag> gop = new ArrayDeque<>();
  private long gopBytes;
  private boolean gopOverflow;
  private final Map<EventExecutor, SubscriberGroup> groups = new IdentityHashMap<>();
  private final Map<Subscriber, SubscriberGroup> subscribers = new IdentityHashMap<>();
  private long tsOffset;
  private long lastTs = -1;
  private boolean rebase;
  private ScheduledFuture<?> lingerTimer;
  private boolean ended;
  /** The current publisher sends reordered frames (an AVC/HEVC composition time other than 0). */
  private volatile boolean bFrames;

  LiveStream(String id, StreamKey key, StreamHub hub, ByteBufAllocator alloc, HubLimits limits, Instant now) {
    this.id = id;
    this.key = key;
    this.hub = hub;
    this.alloc = alloc;
    this.limits = limits;
    this.createdAt = now;
  }

  public String id() {
    return id;
  }

  public StreamKey key() {
    return key;
  }

  public StreamCounters counters() {
    return counters;
  }

  public ByteRate recvRate() {
    return recvRate;
  }

  public ByteRate sendRate() {
    return sendRate;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public synchronized Client publisher() {
    return publisher == null ? null : publisher.client;
  }

  public synchronized int playerCount() {
    return subscribers.size();
  }

  public synchronized boolean hasVideo() {
    return videoConfig != null;
  }

  public synchronized boolean hasAudio() {
    return audioConfig != null;
  }

  /** The current sequence headers and metadata (retained copies; the caller releases). */
  public synchronized List<MediaTag> configSnapshot() {
    List<MediaTag> out = new ArrayList<>(3);
    for (MediaTag t : new MediaTag[] {metadata, videoConfig, audioConfig}) {
      if (t != null) {
        out.add(t.retain());
      }
    }
    return out;
  }

  /**
   * Whether the current publisher sends B-frames (reordered frames, seen as a composition time other
   * than 0). WebRTC players of such a stream see them in decode order.
   */
  public boolean hasBFrames() {
    return bFrames;
  }

  /** The current tracks in the neutral form, read from the sequence headers (empty before they arrive). */
  public List<MediaTrack> tracks() {
    FlvUnits units = new FlvUnits();
    List<MediaTrack> out = new ArrayList<>(2);
    for (MediaTag t : configSnapshot()) {
      try {
        if (units.map(t) instanceof FlvUnits.Track(MediaTrack track)) {
          out.add(track);
        }
      } finally {
        t.release();
      }
    }
    return out;
  }

  /**
   * Adds a reader of the neutral form (tracks and access units): like a player, it first gets the
   * configs and the cached GOP. Close the result to leave. Empty if the stream has ended.
   */
  public java.util.Optional<AutoCloseable> read(UnitReader reader) {
    UnitSubscriber s = new UnitSubscriber(reader);
    if (!subscribe(s)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(() -> unsubscribe(s, Subscriber.EndReason.PUBLISHER_GONE));
  }

  synchronized boolean isEnded() {
    return ended;
  }

  // ---------------------------------------------------------------- publishing

  synchronized Publication publish(Client client, String token) throws PublishRefusedException {
    if (ended) {
      throw new PublishRefusedException("stream " + key + " is closing, try again");
    }
    Active previous = publisher;
    if (previous != null) {
      boolean sameOwner = !token.isEmpty() && token.equals(previous.token);
      long idleNanos = System.nanoTime() - previous.lastMediaNanos;
      boolean stale = idleNanos >= limits.staleAfter().toNanos();
      if (!sameOwner && !stale) {
        throw new PublishRefusedException("stream " + key + " is already being published (client "
            + previous.client.id() + " from " + previous.client.ip() + ")");
      }
      log.info("stream {}: client {} takes over from {} ({})", key, client.id(), previous.client.id(),
          sameOwner ? "same publisher reconnected" : "previous session idle " + idleNanos / 1_000_000 + " ms");
      counters.publisherTakeovers.increment();
      previous.active = false;
      hub.executorForTimers().execute(() -> previous.client.kick("taken over by a new session of the same stream"));
    }
    cancelLinger();
    resetCaches();
    bFrames = false;
    rebase = lastTs >= 0;
    groups.values().forEach(g -> g.post(new SubscriberGroup.Resync()));
    publisher = new Active(client, token);
    return publisher;
  }

  private void resetCaches() {
    for (MediaTag t : new MediaTag[] {metadata, videoConfig, audioConfig}) {
      if (t != null) {
        t.release();
      }
    }
    metadata = videoConfig = audioConfig = null;
    clearGop();
  }

  private void clearGop() {
    gop.forEach(MediaTag::release);
    gop.clear();
    gopBytes = 0;
  }

  private synchronized void onMedia(Active from, MediaTag.Kind kind, long timestamp, ByteBuf body) {
    if (publisher != from) {
      body.release();
      return;
    }
    from.lastMediaNanos = System.nanoTime();
    if (rebase) {
      tsOffset = lastTs + 1 - timestamp;
      rebase = false;
    }
    long ts = Math.max(0, timestamp + tsOffset);
    lastTs = Math.max(lastTs, ts);
    MediaTag tag = MediaTag.of(alloc, kind, ts, body);
    try {
      counters.recvBytes.add(tag.size());
      from.client.recvBytes.add(tag.size());
      if (kind == MediaTag.Kind.VIDEO) {
        counters.frames.increment();
        if (!bFrames && FlvUnits.compositionTime(body) != 0) {
          bFrames = true;
          log.info("stream {}: the publisher sends B-frames (composition time {} ms); WebRTC players get them in"
              + " decode order", key, FlvUnits.compositionTime(body));
        }
      }
      cache(tag);
      boolean resumePoint = tag.isKeyframe() || (kind == MediaTag.Kind.AUDIO && videoConfig == null);
      for (SubscriberGroup g : groups.values()) {
        g.post(new SubscriberGroup.Deliver(tag.retain(), resumePoint));
      }
    } finally {
      tag.release();
    }
  }

  private void cache(MediaTag tag) {
    if (tag.isConfig()) {
      switch (tag.kind()) {
        case SCRIPT -> metadata = replace(metadata, tag);
        case VIDEO -> videoConfig = replace(videoConfig, tag);
        case AUDIO -> audioConfig = replace(audioConfig, tag);
      }
      return;
    }
    if (tag.isKeyframe()) {
      clearGop();
      gopOverflow = false;
    } else if (gop.isEmpty() || gopOverflow) {
      return; // nothing to start from before the first keyframe
    }
    if (gopBytes + tag.size() > limits.gopCacheMaxBytes()) {
      clearGop();
      gopOverflow = true;
      return;
    }
    gop.add(tag.retain());
    gopBytes += tag.size();
  }

  private static MediaTag replace(MediaTag old, MediaTag tag) {
    if (old != null) {
      old.release();
    }
    return tag.retain();
  }

  private synchronized void unpublish(Active from) {
    if (publisher != from) {
      return;
    }
    publisher = null;
    if (subscribers.isEmpty()) {
      end(Subscriber.EndReason.PUBLISHER_GONE);
      return;
    }
    long ms = limits.lingerAfterUnpublish().toMillis();
    lingerTimer = hub.executorForTimers().schedule(() -> {
      synchronized (LiveStream.this) {
        if (publisher == null && !ended) {
          end(Subscriber.EndReason.PUBLISHER_GONE);
        }
      }
    }, ms, TimeUnit.MILLISECONDS);
  }

  private void cancelLinger() {
    if (lingerTimer != null) {
      lingerTimer.cancel(false);
      lingerTimer = null;
    }
  }

  // ---------------------------------------------------------------- playing

  /** Adds a player; it first receives metadata, sequence headers and the cached GOP. */
  synchronized boolean subscribe(Subscriber s) {
    if (ended) {
      return false;
    }
    List<MediaTag> snapshot = new ArrayList<>(gop.size() + 3);
    for (MediaTag t : new MediaTag[] {metadata, videoConfig, audioConfig}) {
      if (t != null) {
        snapshot.add(t.retain());
      }
    }
    gop.forEach(t -> snapshot.add(t.retain()));
    SubscriberGroup group = groups.computeIfAbsent(s.executor(),
        ex -> new SubscriberGroup(ex, limits.flow(), limits.batching(), hub.playersOn(ex), counters, this::forget));
    subscribers.put(s, group);
    group.post(new SubscriberGroup.Join(s, snapshot));
    return true;
  }

  /** Removes a player (it closed, or was kicked); {@code end} is called on it with the reason. */
  public synchronized void unsubscribe(Subscriber s, Subscriber.EndReason reason) {
    SubscriberGroup g = subscribers.remove(s);
    if (g != null) {
      g.post(new SubscriberGroup.Leave(s, reason));
    }
  }

  private synchronized void forget(Subscriber s) {
    subscribers.remove(s);
  }

  /** Ends the stream: players are told, caches released, the hub forgets it. */
  synchronized void end(Subscriber.EndReason reason) {
    if (ended) {
      return;
    }
    ended = true;
    cancelLinger();
    if (publisher != null) {
      Active p = publisher;
      publisher = null;
      p.active = false;
      hub.executorForTimers().execute(() -> p.client.kick(reason.description));
    }
    groups.values().forEach(g -> g.endAll(reason));
    subscribers.clear();
    resetCaches();
    hub.forget(this);
  }

  private final class Active implements Publication {
    final Client client;
    final String token;
    volatile long lastMediaNanos = System.nanoTime();
    volatile boolean active = true;

    Active(Client client, String token) {
      this.client = client;
      this.token = token;
    }

    @Override
    public LiveStream stream() {
      return LiveStream.this;
    }

    @Override
    public void onMedia(MediaTag.Kind kind, long timestamp, ByteBuf body) {
      LiveStream.this.onMedia(this, kind, timestamp, body);
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      active = false;
      unpublish(this);
    }
  }
}
