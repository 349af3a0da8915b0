package studio.tally.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub's neutral form: FLV tags mapped to tracks and access units for readers that are not FLV players. */
class UnitReaderTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final DefaultEventExecutor loop = new DefaultEventExecutor();
  private final StreamKey key = new StreamKey("live", "u");
  private final StreamHub hub = new StreamHub(PooledByteBufAllocator.DEFAULT, HubLimits.DEFAULT, InstantSource.system(), timers);

  @AfterEach
  void stop() {
    hub.close();
    timers.shutdownNow();
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  /** Legacy AVC tag: frame type, packet type, composition time, payload. */
  static ByteBuf avc(boolean key, int packetType, int cts, byte... payload) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(key ? 0x17 : 0x27).writeByte(packetType).writeMedium(cts).writeBytes(payload);
    return b;
  }

  static ByteBuf aac(int packetType, byte... payload) {
    return Unpooled.buffer().writeByte(0xAF).writeByte(packetType).writeBytes(payload);
  }

  static final class Reader implements UnitReader {
    final EventExecutor executor;
    final List<String> got = new CopyOnWriteArrayList<>();
    volatile Subscriber.EndReason ended;

    Reader(EventExecutor executor) {
      this.executor = executor;
    }

    @Override
    public EventExecutor executor() {
      return executor;
    }

    @Override
    public void onTrack(MediaTrack track) {
      got.add(track.codec() + " config " + ByteBufUtil.hexDump(track.config()));
    }

    @Override
    public void onUnit(AccessUnit u) {
      got.add(u.track().codec() + "@" + u.dtsMillis() + "+" + u.compositionMillis() + (u.keyframe() ? " key " : " ")
          + ByteBufUtil.hexDump(u.payload()));
    }

    @Override
    public void onEnd(Subscriber.EndReason reason) {
      ended = reason;
    }
  }

  private Client client() {
    return new Client("c1", Client.Type.RTMP_PUBLISH, "127.0.0.1", key, "", "", Instant.now(), r -> { });
  }

  @Test
  void aReaderGetsTracksThenTheCachedGopThenLiveUnits() throws Exception {
    Publication pub = hub.publish(key, client(), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, avc(true, 0, 0, (byte) 1, (byte) 0x64));
    pub.onMedia(MediaTag.Kind.AUDIO, 0, aac(0, (byte) 0x11, (byte) 0x90));
    pub.onMedia(MediaTag.Kind.VIDEO, 40, avc(false, 1, 0, (byte) 9)); // before any keyframe: not cached
    pub.onMedia(MediaTag.Kind.VIDEO, 80, avc(true, 1, 0, (byte) 5));
    pub.onMedia(MediaTag.Kind.AUDIO, 85, aac(1, (byte) 0x21));
    LiveStream s = hub.stream(key).orElseThrow();
    assertThat(s.tracks()).extracting(MediaTrack::codec).containsExactlyInAnyOrder(MediaTrack.Codec.H264, MediaTrack.Codec.AAC);
    assertThat(s.hasBFrames()).isFalse();

    Reader r = new Reader(loop);
    AutoCloseable reading = s.read(r).orElseThrow();
    pub.onMedia(MediaTag.Kind.VIDEO, 120, avc(false, 1, 80, (byte) 7));
    await().until(() -> r.got.size() == 5);
    assertThat(r.got).containsExactly(
        "H264 config 0164",
        "AAC config 1190",
        "H264@80+0 key 05",
        "AAC@85+0 key 21",
        "H264@120+80 07");
    assertThat(s.hasBFrames()).as("a composition time says B-frames").isTrue();

    reading.close();
    await().until(() -> r.ended != null);
    pub.onMedia(MediaTag.Kind.VIDEO, 160, avc(false, 1, 0, (byte) 8));
    await("nothing after close").during(java.time.Duration.ofMillis(100)).atMost(java.time.Duration.ofSeconds(2))
        .until(() -> r.got.size() == 5);
    pub.close();
  }

  @Test
  void malformedTagsAreSkippedAndTheReaderGoesOn() throws Exception {
    Publication pub = hub.publish(key, client(), "");
    pub.onMedia(MediaTag.Kind.VIDEO, 0, avc(true, 0, 0, (byte) 1));
    pub.onMedia(MediaTag.Kind.VIDEO, 10, avc(true, 1, 0, (byte) 5));
    Reader r = new Reader(loop);
    hub.stream(key).orElseThrow().read(r).orElseThrow();
    pub.onMedia(MediaTag.Kind.VIDEO, 20, Unpooled.wrappedBuffer(new byte[] {0x17})); // truncated header
    pub.onMedia(MediaTag.Kind.AUDIO, 25, aac(1, (byte) 3)); // audio before its sequence header
    pub.onMedia(MediaTag.Kind.VIDEO, 30, avc(false, 1, 0, (byte) 6));
    await().until(() -> r.got.size() == 3);
    assertThat(r.got).containsExactly("H264 config 01", "H264@10+0 key 05", "H264@30+0 06");
    pub.close();
  }
}
