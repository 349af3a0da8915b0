package studio.tally.server.hub;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The players of one stream that live on one event loop. The publisher's thread only appends to a
 * lock-free queue; one drain task per loop writes every pending tag to every player and then flushes
 * each once, so a tag costs one task per loop (not per player) and writes coalesce under load.
 */
final class SubscriberGroup {

  sealed interface Event {}

  record Join(Subscriber subscriber, List<MediaTag> snapshot) implements Event {}

  /** {@code resumePoint}: a player waiting after drops may start here (video keyframe, or audio of an audio-only stream). */
  record Deliver(MediaTag tag, boolean resumePoint) implements Event {}

  record Leave(Subscriber subscriber, Subscriber.EndReason reason) implements Event {}

  /** Publisher changed: every player resumes at the next keyframe. */
  record Resync() implements Event {}

  private static final class PlayerState {
    final Subscriber subscriber;
    boolean waitingForKeyframe;
    /** Written to in the current drain (so it is in the drain's flush list once). */
    boolean touched;

    PlayerState(Subscriber subscriber) {
      this.subscriber = subscriber;
    }
  }

  private final EventExecutor executor;
  private final FlowPolicy policy;
  private final WriteBatching batching;
  /** Players of every stream on this executor (shared by its groups): what the batch grows with. */
  private final AtomicInteger loopPlayers;
  private final StreamCounters counters;
  private final Consumer<Subscriber> onRemoved;
  private final Queue<Event> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Map<Subscriber, PlayerState> players = new IdentityHashMap<>(); // executor only
  private final Runnable drain = this::drain;
  /** The media of the drain under way, handed to each player as one run (executor only). */
  private final TagRun run = new TagRun();

  /**
   * @param batching how long media waits before a drain, from the players on this executor, so each
   *     player gets one flush (one writev) per batch instead of one per tag — SRS's "merged write".
   *     Joins, leaves and publisher changes are never delayed.
   * @param loopPlayers the count of players on {@code executor}, shared by every group on it
   */
  SubscriberGroup(EventExecutor executor, FlowPolicy policy, WriteBatching batching, AtomicInteger loopPlayers,
      StreamCounters counters, Consumer<Subscriber> onRemoved) {
    this.executor = executor;
    this.policy = policy;
    this.batching = batching;
    this.loopPlayers = loopPlayers;
    this.counters = counters;
    this.onRemoved = onRemoved;
  }

  EventExecutor executor() {
    return executor;
  }

  /** Any thread. Tags in events must already be retained for this group. */
  void post(Event e) {
    queue.add(e);
    boolean media = e instanceof Deliver;
    try {
      long batchNanos = media ? batching.batchNanos(loopPlayers.get()) : 0;
      if (batchNanos == 0) {
        if (!media || scheduled.compareAndSet(false, true)) {
          executor.execute(drain); // a join starts at once, whatever batch is pending
        }
      } else if (scheduled.compareAndSet(false, true)) {
        executor.schedule(drain, batchNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException rejected) { // executor shutting down: drop everything queued
      scheduled.set(false);
      discardQueued();
    }
  }

  private void drain() {
    scheduled.set(false);
    List<Subscriber> touched = new ArrayList<>();
    try {
      for (Event e = queue.poll(); e != null; e = queue.poll()) {
        if (e instanceof Deliver(MediaTag tag, boolean resumePoint)) {
          run.add(tag, resumePoint); // consecutive media go to each player together
          continue;
        }
        deliverRun(touched); // what came before this event goes first
        switch (e) {
          case Join(Subscriber s, List<MediaTag> snapshot) -> {
            PlayerState state = new PlayerState(s);
            state.touched = true;
            if (players.put(s, state) == null) {
              loopPlayers.incrementAndGet();
            }
            touched.add(s);
            for (MediaTag t : snapshot) {
              try {
                s.write(t);
              } finally {
                t.release();
              }
            }
          }
          case Leave(Subscriber s, Subscriber.EndReason reason) -> {
            if (players.remove(s) != null) {
              loopPlayers.decrementAndGet();
              s.end(reason);
            }
          }
          case Resync() -> players.values().forEach(p -> p.waitingForKeyframe = true);
          case Deliver d -> throw new IllegalStateException("media are taken above: " + d);
        }
      }
      deliverRun(touched);
    } finally { // flags must be reset even if a write threw
      run.clear();
      for (Subscriber s : touched) {
        PlayerState state = players.get(s);
        if (state != null) {
          state.touched = false;
          s.flush();
        }
      }
    }
  }

  /**
   * Hands the run to every player: each tag gets its own verdict (as if written one by one, the
   * player's backlog growing with each tag it takes), and each unbroken stretch of written tags goes
   * out in one {@link Subscriber#write(TagRun, int, int)}.
   */
  private void deliverRun(List<Subscriber> touched) {
    int n = run.size();
    if (n == 0) {
      return;
    }
    try {
      List<PlayerState> cut = null;
      for (PlayerState state : players.values()) { // values(), not entrySet(): no entry object per player
        Subscriber s = state.subscriber;
        long pending = s.pendingBytes();
        int from = -1; // first tag of the stretch being written
        boolean wrote = false;
        for (int i = 0; i < n; i++) {
          MediaTag tag = run.tag(i);
          FlowPolicy.Verdict v = verdict(tag, run.resumePoint(i), pending, state);
          if (v == FlowPolicy.Verdict.WRITE) {
            if (from < 0) {
              from = i;
            }
            pending += tag.flv().readableBytes();
            continue;
          }
          if (from >= 0) {
            s.write(run, from, i);
            wrote = true;
            from = -1;
          }
          if (v == FlowPolicy.Verdict.DROP) {
            counters.droppedTags.increment();
          } else { // DISCONNECT: nothing more for this player
            if (cut == null) {
              cut = new ArrayList<>();
            }
            cut.add(state);
            break;
          }
        }
        if (from >= 0) {
          s.write(run, from, n);
          wrote = true;
        }
        if (wrote && !state.touched) { // a flag, not touched.contains(s): that scan made each drain O(players²)
          state.touched = true;
          touched.add(s);
        }
      }
      if (cut != null) {
        for (PlayerState state : cut) {
          Subscriber s = state.subscriber;
          players.remove(s);
          loopPlayers.decrementAndGet();
          counters.slowPlayersCut.increment();
          s.end(Subscriber.EndReason.TOO_SLOW);
          onRemoved.accept(s);
        }
      }
    } finally {
      run.clear();
    }
  }

  private FlowPolicy.Verdict verdict(MediaTag tag, boolean resumePoint, long pending, PlayerState state) {
    if (pending > policy.hardLimitBytes()) {
      return FlowPolicy.Verdict.DISCONNECT;
    }
    if (tag.isConfig()) {
      return FlowPolicy.Verdict.WRITE;
    }
    if (state.waitingForKeyframe) {
      if (!resumePoint) {
        return FlowPolicy.Verdict.DROP;
      }
      if (pending > policy.softLimitBytes()) {
        return FlowPolicy.Verdict.DISCONNECT; // dropped a whole GOP and still behind
      }
      state.waitingForKeyframe = false;
      return FlowPolicy.Verdict.WRITE;
    }
    if (pending > policy.softLimitBytes()) {
      state.waitingForKeyframe = true;
      return FlowPolicy.Verdict.DROP;
    }
    return FlowPolicy.Verdict.WRITE;
  }

  /** Ends every player of this group (on its executor). */
  void endAll(Subscriber.EndReason reason) {
    executor.execute(() -> {
      drain();
      for (Subscriber s : List.copyOf(players.keySet())) {
        players.remove(s);
        loopPlayers.decrementAndGet();
        s.end(reason);
      }
    });
  }

  private void discardQueued() {
    for (Event e = queue.poll(); e != null; e = queue.poll()) {
      switch (e) {
        case Join(Subscriber s, List<MediaTag> snapshot) -> snapshot.forEach(MediaTag::release);
        case Deliver(MediaTag tag, boolean ignored) -> tag.release();
        default -> { }
      }
    }
  }
}
