package studio.tally.server.hub;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live stream and every client of the server, by key and by id. Protocol servers (RTMP,
 * HTTP-FLV, later WebRTC) publish into it and play from it; they never see each other.
 */
public final class StreamHub implements AutoCloseable {
  private static final char[] ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private final ByteBufAllocator alloc;
  private final HubLimits limits;
  private final InstantSource clock;
  private final ScheduledExecutorService timers;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();
  /** Players per event loop, over every stream: the load signal of {@link WriteBatching}. */
  private final ConcurrentHashMap<EventExecutor, AtomicInteger> playersByLoop = new ConcurrentHashMap<>();

  public StreamHub(ByteBufAllocator alloc, HubLimits limits, InstantSource clock, ScheduledExecutorService timers) {
    this.alloc = alloc;
    this.limits = limits;
    this.clock = clock;
    this.timers = timers;
  }

  public InstantSource clock() {
    return clock;
  }

  /** The count of players (of every stream) on {@code loop}; their groups keep it. */
  AtomicInteger playersOn(EventExecutor loop) {
    return playersByLoop.computeIfAbsent(loop, l -> new AtomicInteger());
  }

  ScheduledExecutorService executorForTimers() {
    return timers;
  }

  /** A fresh id in SRS's style (8 base-36 characters). */
  public String newId() {
    char[] c = new char[8];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return new String(c);
  }

  /**
   * Starts publishing {@code key}. A publisher whose previous session is stale (sent nothing for
   * {@link HubLimits#staleAfter()}) or that presents the same non-empty token takes the stream over
   * at once and its players stay; anyone else is refused while the stream is live.
   */
  public Publication publish(StreamKey key, Client client, String token) throws PublishRefusedException {
    for (int attempt = 0; attempt < 3; attempt++) {
      LiveStream s = streams.computeIfAbsent(key, k -> new LiveStream(newStreamId(), k, this, alloc, limits, clock.instant()));
      if (!s.isEnded()) {
        try {
          return s.publish(client, token == null ? "" : token);
        } catch (PublishRefusedException e) {
          if (!s.isEnded()) {
            throw e;
          }
        }
      }
      streams.remove(key, s);
    }
    throw new PublishRefusedException("stream " + key + " is closing, try again");
  }

  /** Adds a player to a live (or lingering) stream; empty if nothing publishes {@code key}. */
  public Optional<LiveStream> play(StreamKey key, Subscriber subscriber) {
    LiveStream s = streams.get(key);
    if (s == null || !s.subscribe(subscriber)) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  public Optional<LiveStream> stream(StreamKey key) {
    return Optional.ofNullable(streams.get(key));
  }

  public Optional<LiveStream> streamById(String id) {
    return streams.values().stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public Collection<LiveStream> streams() {
    return List.copyOf(streams.values());
  }

  void forget(LiveStream s) {
    streams.remove(s.key(), s);
  }

  public void register(Client c) {
    clients.put(c.id(), c);
  }

  public void unregister(Client c) {
    clients.remove(c.id(), c);
  }

  public Optional<Client> client(String id) {
    return Optional.ofNullable(clients.get(id));
  }

  public Collection<Client> clients() {
    return List.copyOf(clients.values());
  }

  /** Takes a rate sample of every stream and client; the server calls it every few seconds. */
  public void sampleRates(long nowNanos) {
    for (LiveStream s : streams.values()) {
      s.recvRate().sample(nowNanos);
      s.sendRate().sample(nowNanos);
    }
    for (Client c : clients.values()) {
      c.sendRate.sample(nowNanos);
      c.recvRate.sample(nowNanos);
    }
  }

  private String newStreamId() {
    return "vid-" + newId().substring(0, 7);
  }

  /** Ends every stream: players get a clean end, publishers are closed. */
  @Override
  public void close() {
    for (LiveStream s : streams()) {
      s.end(Subscriber.EndReason.SERVER_STOPPING);
    }
  }
}
