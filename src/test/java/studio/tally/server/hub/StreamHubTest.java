package studio.tally.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamHubTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final DefaultEventExecutor loop = new DefaultEventExecutor();
  private final StreamKey key = new StreamKey("live", "s");
  private final List<String> kicked = new CopyOnWriteArrayList<>();

  private final List<StreamHub> hubs = new CopyOnWriteArrayList<>();

  private StreamHub hub(HubLimits limits) {
    StreamHub h = new StreamHub(PooledByteBufAllocator.DEFAULT, limits, InstantSource.system(), timers);
    hubs.add(h);
    return h;
  }

  @AfterEach
  void stop() {
    hubs.forEach(StreamHub::close);
    timers.shutdownNow();
    loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
  }

  private Client client(String id) {
    return new Client(id, Client.Type.RTMP_PUBLISH, "127.0.0.1", key, "", "", Instant.now(), kicked::add);
  }

  static ByteBuf video(boolean key, boolean config) {
    return Unpooled.wrappedBuffer(new byte[] {(byte) (key ? 0x17 : 0x27), (byte) (config ? 0 : 1), 0, 0, 0, 1, 2, 3});
  }

  static ByteBuf audio(boolean config) {
    return Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, (byte) (config ? 0 : 1), 9, 9});
  }

  /** Records what it is given; its "pending bytes" are set by the test. */
  static class Recorder implements Subscriber {
    final EventExecutor executor;
    final List<String> got = new CopyOnWriteArrayList<>();
    final List<Long> timestamps = new CopyOnWriteArrayList<>();
    final AtomicLong pending = new AtomicLong();
    final AtomicReference<EndReason> ended = new AtomicReference<>();
    final AtomicInteger flushes = new AtomicInteger();

    Recorder(EventExecutor executor) {
      this.executor = executor;
    }

    @Override
    public EventExecutor executor() {
      return executor;
    }

    @Override
    public long pendingBytes() {
      return pending.get();
    }

    @Override
    public void write(MediaTag tag) {
      got.add(tag.kind() + (tag.isConfig() ? "-config" : tag.isKeyframe() ? "-key" : ""));
      timestamps.add(tag.timestamp());
      assertThat(tag.flv().readableBytes()).isEqualTo(11 + tag.size() + 4);
    }

    @Override
    public void flush() {
      flushes.incrementAndGet();
    }

    @Override
    public void end(EndReason reason) {
      ended.set(reason);
    }
  }

  @Test
  void aNewPlayerStartsFromConfigAndTheLatestGop() throws Exception {
    StreamHub hub = hub(HubLimits.DEFAULT);
    Publication pub = hub.publish(key, client("a"), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, true));
    pub.onMedia(MediaTag.Kind.AUDIO, 0, audio(true));
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    pub.onMedia(MediaTag.Kind.VIDEO, 33, video(false, false));
    pub.onMedia(MediaTag.Kind.VIDEO, 66, video(true, false)); // new GOP: the cache restarts here
    pub.onMedia(MediaTag.Kind.AUDIO, 70, audio(false));
    pub.onMedia(MediaTag.Kind.VIDEO, 99, video(false, false));

    Recorder r = new Recorder(loop);
    assertThat(hub.play(key, r)).isPresent();
    await().until(() -> r.got.size() == 5);
    assertThat(r.got).containsExactly("VIDEO-config", "AUDIO-config", "VIDEO-key", "AUDIO", "VIDEO");
    assertThat(r.timestamps.subList(2, 5)).containsExactly(66L, 70L, 99L);

    pub.onMedia(MediaTag.Kind.VIDEO, 133, video(false, false));
    await().until(() -> r.got.size() == 6);
    pub.close();
    hub.close();
  }

  @Test
  void aLonePlayerGetsEachTagAtOnceAndManyPlayersOnALoopWaitForOneBatch() throws Exception {
    EmbeddedChannel clock = new EmbeddedChannel(); // its event loop runs tasks when told and has a frozen clock
    clock.freezeTime();
    EventExecutor embedded = clock.eventLoop();
    StreamHub hub = hub(HubLimits.DEFAULT);
    Publication pub = hub.publish(key, client("a"), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, true));
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    Recorder lone = new Recorder(embedded);
    assertThat(hub.play(key, lone)).isPresent();
    clock.runPendingTasks();
    assertThat(lone.got).containsExactly("VIDEO-config", "VIDEO-key");

    for (int ts = 33; ts <= 99; ts += 33) { // no time passes: each tag is written and flushed as it comes
      int flushes = lone.flushes.get();
      pub.onMedia(MediaTag.Kind.VIDEO, ts, video(false, false));
      clock.runPendingTasks();
      assertThat(lone.got).hasSize(2 + ts / 33);
      assertThat(lone.flushes.get()).isEqualTo(flushes + 1);
    }

    List<Recorder> crowd = new java.util.ArrayList<>();
    for (int i = 0; i < 999; i++) { // 1000 players on one loop: batch = 1000 / 2500 s, capped at SRS's 350 ms
      Recorder r = new Recorder(embedded);
      assertThat(hub.play(key, r)).isPresent();
      crowd.add(r);
    }
    clock.runPendingTasks();
    int before = lone.got.size();
    int flushesBefore = lone.flushes.get();
    pub.onMedia(MediaTag.Kind.VIDEO, 133, video(false, false));
    pub.onMedia(MediaTag.Kind.AUDIO, 140, audio(false));
    clock.runPendingTasks();
    assertThat(lone.got).hasSize(before);
    clock.advanceTimeBy(349, java.util.concurrent.TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();
    assertThat(lone.got).hasSize(before);
    clock.advanceTimeBy(1, java.util.concurrent.TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();
    assertThat(lone.got).hasSize(before + 2);
    assertThat(lone.flushes.get()).isEqualTo(flushesBefore + 1); // both tags in one flush
    assertThat(crowd.getLast().got).endsWith("VIDEO", "AUDIO");

    crowd.forEach(r -> hub.stream(key).orElseThrow().unsubscribe(r, Subscriber.EndReason.KICKED));
    clock.runPendingTasks();
    int flushes = lone.flushes.get();
    pub.onMedia(MediaTag.Kind.VIDEO, 166, video(false, false)); // alone again: at once
    clock.runPendingTasks();
    assertThat(lone.flushes.get()).isEqualTo(flushes + 1);
    pub.close();
    clock.finishAndReleaseAll();
  }

  @Test
  void aPinnedBatchHoldsEvenALonePlayer() throws Exception {
    EmbeddedChannel clock = new EmbeddedChannel();
    clock.freezeTime();
    StreamHub hub = hub(HubLimits.DEFAULT.withBatching(new WriteBatching.Fixed(Duration.ofMillis(40))));
    Publication pub = hub.publish(key, client("a"), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, true));
    Recorder lone = new Recorder(clock.eventLoop());
    assertThat(hub.play(key, lone)).isPresent();
    clock.runPendingTasks();
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    clock.runPendingTasks();
    assertThat(lone.got).containsExactly("VIDEO-config");
    clock.advanceTimeBy(40, java.util.concurrent.TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();
    assertThat(lone.got).containsExactly("VIDEO-config", "VIDEO-key");
    pub.close();
    clock.finishAndReleaseAll();
  }

  @Test
  void playingAStreamNobodyPublishesIsEmpty() {
    assertThat(hub(HubLimits.DEFAULT).play(key, new Recorder(loop))).isEmpty();
  }

  @Test
  void aSlowPlayerDropsToTheNextKeyframeThenIsCutIfStillBehind() throws Exception {
    StreamHub hub = hub(new HubLimits(new FlowPolicy(1000, 10_000), 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(1)));
    Publication pub = hub.publish(key, client("a"), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, true));
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    Recorder slow = new Recorder(loop);
    hub.play(key, slow);
    await().until(() -> slow.got.size() == 2);

    slow.pending.set(5000); // behind: past the soft limit
    pub.onMedia(MediaTag.Kind.VIDEO, 33, video(false, false));
    pub.onMedia(MediaTag.Kind.AUDIO, 40, audio(false));
    pub.onMedia(MediaTag.Kind.VIDEO, 66, video(true, true)); // config always goes through
    LiveStream stream = hub.stream(key).orElseThrow();
    await().until(() -> stream.counters().droppedTags.sum() == 2);
    await().until(() -> slow.got.size() == 3);

    slow.pending.set(0); // caught up: resumes at the next keyframe, not before
    pub.onMedia(MediaTag.Kind.VIDEO, 99, video(false, false));
    pub.onMedia(MediaTag.Kind.VIDEO, 133, video(true, false));
    await().until(() -> slow.got.size() == 4);
    assertThat(slow.got.getLast()).isEqualTo("VIDEO-key");

    slow.pending.set(5000); // behind again, and still behind at the next keyframe: cut
    pub.onMedia(MediaTag.Kind.VIDEO, 166, video(false, false));
    pub.onMedia(MediaTag.Kind.VIDEO, 200, video(true, false));
    await().until(() -> slow.ended.get() == Subscriber.EndReason.TOO_SLOW);
    assertThat(stream.counters().slowPlayersCut.sum()).isEqualTo(1);
    assertThat(stream.playerCount()).isZero();
    pub.close();
  }

  @Test
  void aSecondPublisherIsRefusedWhileTheFirstIsLive() throws Exception {
    StreamHub hub = hub(HubLimits.DEFAULT);
    Publication a = hub.publish(key, client("a"), "");
    a.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    assertThatThrownBy(() -> hub.publish(key, client("b"), ""))
        .isInstanceOf(PublishRefusedException.class).hasMessageContaining("already being published");
    assertThat(a.isActive()).isTrue();
    a.close();
  }

  @Test
  void aStaleOrSameTokenPublisherTakesOverAndPlayersStayWithAMonotonicClock() throws Exception {
    StreamHub hub = hub(new HubLimits(FlowPolicy.DEFAULT, 1 << 20, Duration.ofMillis(100), Duration.ofSeconds(5)));
    Publication a = hub.publish(key, client("a"), "tok");
    a.onMedia(MediaTag.Kind.VIDEO, 5000, video(true, false));
    Recorder p = new Recorder(loop);
    hub.play(key, p);
    a.onMedia(MediaTag.Kind.VIDEO, 5033, video(false, false));
    await().until(() -> p.got.size() == 2);

    Publication b = hub.publish(key, client("b"), "tok"); // same token: at once
    assertThat(a.isActive()).isFalse();
    await().until(() -> kicked.size() == 1);
    a.onMedia(MediaTag.Kind.VIDEO, 5066, video(false, false)); // ignored: taken over
    b.onMedia(MediaTag.Kind.VIDEO, 0, video(false, false)); // players wait for a keyframe
    b.onMedia(MediaTag.Kind.VIDEO, 33, video(true, false));
    await().until(() -> p.got.size() == 3);
    assertThat(p.got.getLast()).isEqualTo("VIDEO-key");
    assertThat(p.timestamps).isSorted();

    Thread.sleep(150); // b goes stale
    Publication c = hub.publish(key, client("c"), "other");
    assertThat(b.isActive()).isFalse();
    c.onMedia(MediaTag.Kind.VIDEO, 10, video(true, false));
    await().until(() -> p.got.size() == 4);
    assertThat(p.timestamps).isSorted();
    assertThat(hub.stream(key).orElseThrow().counters().publisherTakeovers.sum()).isEqualTo(2);
    c.close();
  }

  @Test
  void playersWaitForAReturningPublisherThenEndWhenItDoesNotReturn() throws Exception {
    StreamHub hub = hub(new HubLimits(FlowPolicy.DEFAULT, 1 << 20, Duration.ofSeconds(1), Duration.ofMillis(300)));
    Publication a = hub.publish(key, client("a"), "");
    a.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    Recorder p = new Recorder(loop);
    hub.play(key, p);
    a.close();
    Publication back = hub.publish(key, client("a2"), "");
    back.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    await().until(() -> p.got.size() == 2);
    assertThat(p.ended.get()).isNull();
    back.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> p.ended.get() == Subscriber.EndReason.PUBLISHER_GONE);
    assertThat(hub.stream(key)).isEmpty();
  }

  /**
   * Takes each drain's stretch of tags whole, as an HTTP-FLV player does ({@link TagRun#flv}), and
   * notes whether the bytes it got are the tags' own FLV framing end to end.
   */
  static final class RunRecorder extends Recorder {
    final List<String> stretches = new CopyOnWriteArrayList<>();
    final List<Boolean> sameBytes = new CopyOnWriteArrayList<>();
    final List<ByteBuf> held = new CopyOnWriteArrayList<>();

    RunRecorder(EventExecutor executor) {
      super(executor);
    }

    @Override
    public void write(MediaTag tag) {
      stretches.add(tag.kind() + " alone");
    }

    @Override
    public void write(TagRun run, int from, int to) {
      stretches.add(from + ".." + to);
      ByteBuf joined = run.flv(from, to);
      ByteBuf expected = Unpooled.buffer();
      for (int i = from; i < to; i++) {
        expected.writeBytes(run.tag(i).flv().duplicate());
      }
      sameBytes.add(io.netty.buffer.ByteBufUtil.equals(joined, expected));
      held.add(joined);
    }
  }

  @Test
  void aBatchReachesEachPlayerAsOneWriteOfItsTagsEndToEndAndTheRunKeepsNoReference() throws Exception {
    EmbeddedChannel clock = new EmbeddedChannel();
    clock.freezeTime();
    StreamHub hub = hub(HubLimits.DEFAULT.withBatching(new WriteBatching.Fixed(Duration.ofMillis(40))));
    Publication pub = hub.publish(key, client("a"), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, true));
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, false));
    RunRecorder a = new RunRecorder(clock.eventLoop());
    RunRecorder b = new RunRecorder(clock.eventLoop());
    assertThat(hub.play(key, a)).isPresent();
    assertThat(hub.play(key, b)).isPresent();
    clock.runPendingTasks();
    assertThat(a.stretches).as("a join's snapshot goes tag by tag").containsExactly("VIDEO alone", "VIDEO alone");

    pub.onMedia(MediaTag.Kind.VIDEO, 33, video(false, false));
    pub.onMedia(MediaTag.Kind.AUDIO, 40, audio(false));
    pub.onMedia(MediaTag.Kind.VIDEO, 66, video(false, false));
    int flushes = a.flushes.get();
    clock.advanceTimeBy(40, java.util.concurrent.TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();
    for (RunRecorder r : List.of(a, b)) {
      assertThat(r.stretches.getLast()).as("three tags, one write").isEqualTo("0..3");
      assertThat(r.sameBytes).containsOnly(true);
      assertThat(r.flushes.get()).isEqualTo(flushes + 1);
    }
    ByteBuf ofA = a.held.getLast();
    ByteBuf ofB = b.held.getLast();
    assertThat(ofA.readableBytes()).isEqualTo((11 + 8 + 4) * 2 + (11 + 4 + 4));
    assertThat(ofA.refCnt()).as("one reference per player, none left to the run").isEqualTo(2);
    ofA.release();
    assertThat(ofB.refCnt()).isEqualTo(1);
    ofB.release();
    assertThat(ofB.refCnt()).isZero();
    pub.close();
    clock.finishAndReleaseAll();
  }

  @Test
  void aPlayerThatFallsBehindInsideABatchGetsTheStretchesAroundItsDropsThenIsCut() throws Exception {
    EmbeddedChannel clock = new EmbeddedChannel();
    clock.freezeTime();
    StreamHub hub = hub(new HubLimits(new FlowPolicy(1000, 10_000), 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(1),
        new WriteBatching.Fixed(Duration.ofMillis(40))));
    Publication pub = hub.publish(key, client("a"), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, video(true, true));
    RunRecorder slow = new RunRecorder(clock.eventLoop());
    RunRecorder fast = new RunRecorder(clock.eventLoop());
    hub.play(key, slow);
    hub.play(key, fast);
    clock.runPendingTasks();

    slow.pending.set(990); // under the soft limit by less than one tag: the batch's first tag takes it past
    pub.onMedia(MediaTag.Kind.VIDEO, 33, video(false, false)); // 0: written (backlog 990 -> 1013)
    pub.onMedia(MediaTag.Kind.AUDIO, 40, audio(false)); // 1: dropped, waits for a keyframe
    pub.onMedia(MediaTag.Kind.VIDEO, 66, video(false, false)); // 2: dropped
    pub.onMedia(MediaTag.Kind.VIDEO, 99, video(true, true)); // 3: a sequence header always goes
    pub.onMedia(MediaTag.Kind.VIDEO, 133, video(true, false)); // 4: a keyframe, but still behind: cut
    clock.advanceTimeBy(40, java.util.concurrent.TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();

    assertThat(slow.stretches.subList(1, slow.stretches.size())).containsExactly("0..1", "3..4");
    assertThat(slow.ended.get()).isEqualTo(Subscriber.EndReason.TOO_SLOW);
    assertThat(fast.stretches.getLast()).isEqualTo("0..5");
    assertThat(fast.ended.get()).isNull();
    assertThat(slow.sameBytes).containsOnly(true);
    assertThat(fast.sameBytes).containsOnly(true);
    LiveStream stream = hub.stream(key).orElseThrow();
    assertThat(stream.counters().droppedTags.sum()).isEqualTo(2);
    assertThat(stream.counters().slowPlayersCut.sum()).isEqualTo(1);
    assertThat(stream.playerCount()).isEqualTo(1);
    slow.held.forEach(ByteBuf::release);
    fast.held.forEach(ByteBuf::release);
    pub.close();
    clock.finishAndReleaseAll();
  }
}
