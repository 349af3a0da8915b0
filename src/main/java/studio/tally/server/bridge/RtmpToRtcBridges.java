package studio.tally.server.bridge;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.sfu.RtcStreamRegistry;
import studio.tally.server.webrtc.sfu.RtpFeed;

/**
 * Starts an {@link RtmpToRtcBridge} when a WebRTC player asks for a stream that is published over
 * RTMP (or any FLV publisher of the hub), and forgets it when it stops (no WebRTC player left, or the
 * RTMP stream ended). Without an {@link AudioTranscoderFactory} WebRTC players get video only.
 */
public final class RtmpToRtcBridges implements AutoCloseable {
  private final StreamHub hub;
  private final RtcStreamRegistry registry;
  private final EventLoopGroup loops;
  private final ByteBufAllocator alloc;
  private final AudioTranscoderFactory transcoders;
  private final Set<StreamKey> dropBFrames = ConcurrentHashMap.newKeySet();
  private final BridgeCounters counters = new BridgeCounters();
  private final ConcurrentHashMap<StreamKey, RtmpToRtcBridge> bridges = new ConcurrentHashMap<>();
  static final int WAITING_CHECK_MS = 200;

  /** @param transcoders AAC -&gt; Opus, or null (WebRTC players then get video only) */
  public RtmpToRtcBridges(StreamHub hub, RtcStreamRegistry registry, EventLoopGroup loops, ByteBufAllocator alloc,
      AudioTranscoderFactory transcoders) {
    this.hub = hub;
    this.registry = registry;
    this.loops = loops;
    this.alloc = alloc;
    this.transcoders = transcoders;
  }

  /**
   * Drops (or keeps) the B-frames of {@code key} for its WebRTC players, from the next bridge of that
   * stream on. Lossy: frames that reference a B-frame decode with errors; an encoder without B-frames
   * is the clean fix.
   */
  public void setDropBFrames(StreamKey key, boolean drop) {
    if (drop) {
      dropBFrames.add(key);
    } else {
      dropBFrames.remove(key);
    }
  }

  public BridgeCounters counters() {
    return counters;
  }

  public boolean hasTranscoder() {
    return transcoders != null;
  }

  /** Bridges running now. */
  public int running() {
    return bridges.size();
  }

  /**
   * Makes sure a WebRTC player of {@code key} has a source: when the key is published over RTMP and
   * no WebRTC source feeds it, starts a bridge. True when a bridge runs for {@code key} afterwards.
   */
  public boolean ensure(StreamKey key) {
    if (registry.stream(key).map(s -> s.source() != null).orElse(false)) {
      return bridges.containsKey(key);
    }
    // a stream a WebRTC publisher feeds into the hub (bridged to FLV) is never bridged back
    Optional<LiveStream> live = hub.stream(key)
        .filter(s -> s.publisher() != null && s.publisher().type() != Client.Type.RTC_PUBLISH);
    if (live.isEmpty()) {
      return false;
    }
    synchronized (this) {
      if (bridges.containsKey(key)) {
        return true;
      }
      RtmpToRtcBridge[] self = new RtmpToRtcBridge[1];
      RtmpToRtcBridge b = new RtmpToRtcBridge(live.get(), loops.next(), alloc, hub.clock(), transcoders, counters,
          dropBFrames.contains(key), () -> bridges.remove(key, self[0]));
      self[0] = b;
      if (!b.hasMedia()) {
        return false;
      }
      Optional<RtpFeed> feed = registry.attach(key, b);
      if (feed.isEmpty()) {
        return false; // a WebRTC publisher got there first
      }
      bridges.put(key, b);
      counters.started.increment();
      b.start(feed.get());
      return true;
    }
  }

  /**
   * WebRTC players wait for {@code key}, which nothing publishes yet: if it starts over RTMP within
   * {@code upTo}, bridge it then. Checked every {@value #WAITING_CHECK_MS} ms while a player still waits
   * (a bridge needs the RTMP stream's sequence headers, which follow its publish).
   */
  public void bridgeWhenPublished(StreamKey key, Duration upTo) {
    long until = System.nanoTime() + upTo.toNanos();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    task.set(loops.next().scheduleAtFixedRate(() -> {
      boolean waiting = registry.stream(key).map(s -> s.source() == null && !s.subscribers().isEmpty())
          .orElse(false);
      if (!waiting || System.nanoTime() - until > 0 || ensure(key)) {
        ScheduledFuture<?> t = task.get();
        if (t != null) {
          t.cancel(false);
        }
      }
    }, WAITING_CHECK_MS, WAITING_CHECK_MS, TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    bridges.values().forEach(b -> b.close("the server is stopping"));
  }
}
