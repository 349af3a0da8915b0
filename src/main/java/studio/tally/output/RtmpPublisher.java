package studio.tally.output;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.rtmp.RtmpMessage;

/**
 * Publishes one encode session to one RTMP or RTMPS server, like OBS's stream output: connects when
 * the format is known, sends metadata and sequence headers, then media from a keyframe on; keeps a
 * bounded {@link SendQueue} that drops under congestion; reconnects per {@link ReconnectPolicy}
 * (timestamps continue on the session clock; metadata and sequence headers are sent again); reports
 * its {@link DestinationState} to listeners and {@link DestinationStats} on demand.
 *
 * <p>{@link #onPacket} never blocks and never throws: it frames nothing, it only queues. All socket
 * work happens on one Netty event loop (the publisher's own one-thread group, or one loop of a shared
 * group). Listeners are called on that loop and must return quickly.
 */
public final class RtmpPublisher implements PacketSink {
  private static final Logger log = LoggerFactory.getLogger(RtmpPublisher.class);

  private final RtmpUrl url;
  private final RtmpPublisherOptions options;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final EventLoop loop;
  private final TlsTrust tls;
  private final SendQueue queue;
  private final RateMeter meter = new RateMeter();
  private final SplittableRandom random = new SplittableRandom();
  private final List<Consumer<DestinationState>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicLong framesSent = new AtomicLong();
  private final Object clockLock = new Object();
  private volatile DestinationState state = DestinationState.CONNECTING;
  private volatile StreamFormat format;
  private volatile double rttMillis = Double.NaN;
  private volatile int reconnects;
  private long originMicros = Long.MIN_VALUE; // guarded by clockLock
  // event loop only
  private RtmpPublishConnection current;
  private int attempt;
  private boolean everLive;
  private long lastTimestampMs;

  public RtmpPublisher(RtmpUrl url, RtmpPublisherOptions options) {
    this.url = url;
    this.options = options;
    this.ownsGroup = options.eventLoopGroup() == null;
    this.group = ownsGroup
        ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tally-rtmp-out", true), NioIoHandler.newFactory())
        : options.eventLoopGroup();
    this.loop = group.next();
    this.queue = new SendQueue(options.queue());
    this.tls = url.tls() ? new TlsTrust(options.tlsFingerprint(), options.insecureTls()) : null;
    if (url.tls() && options.insecureTls() && (options.tlsFingerprint() == null || options.tlsFingerprint().isBlank())) {
      log.warn("{}: TLS certificate checks are off (insecure TLS): anyone on the path can read and alter the stream", url);
    }
  }

  public RtmpUrl url() {
    return url;
  }

  public DestinationState state() {
    return state;
  }

  /** {@code listener} gets every state change from now on (on the event loop). */
  public void addListener(Consumer<DestinationState> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<DestinationState> listener) {
    listeners.remove(listener);
  }

  /** A consistent-enough snapshot (each figure is read atomically). Any thread. */
  public DestinationStats stats() {
    long now = System.nanoTime();
    double rtt = rttMillis;
    return new DestinationStats(url.toString(), state, meter.kbps(now), meter.fps(now), framesSent.get(),
        queue.videoDropped(), queue.audioDropped(), queue.bytes(), queue.millis(), reconnects,
        Double.isNaN(rtt) ? OptionalDouble.empty() : OptionalDouble.of(rtt));
  }

  @Override
  public void onFormat(StreamFormat f) {
    try {
      String problem = unsupported(f);
      if (problem != null) {
        loop.execute(() -> fail(problem));
        return;
      }
      this.format = f;
      if (started.compareAndSet(false, true)) {
        loop.execute(this::connect);
      } else {
        loop.execute(() -> {
          if (current != null && current.isLive()) sendHeaders(current);
        });
      }
    } catch (RuntimeException e) {
      log.warn("{}: onFormat failed: {}", url, e.toString()); // closed loop, ... never reaches the encoder
    }
  }

  private static String unsupported(StreamFormat f) {
    if (f.video() != null && !List.of("h264", "hevc", "h265", "av1").contains(f.video().codec())) {
      return "video codec " + f.video().codec() + " cannot be sent over RTMP (want h264, hevc or av1)";
    }
    if (f.audio() != null && !"aac".equals(f.audio().codec())) {
      return "audio codec " + f.audio().codec() + " cannot be sent over RTMP (want aac)";
    }
    return null;
  }

  @Override
  public void onPacket(EncodedPacket p) {
    try {
      StreamFormat f = format;
      if (closed.get() || f == null || state instanceof DestinationState.Failed) return;
      long ts;
      synchronized (clockLock) {
        if (originMicros == Long.MIN_VALUE) originMicros = p.dtsMicros();
        ts = Math.max(0, (p.dtsMicros() - originMicros) / 1000);
      }
      int cts = (int) Math.max(0, (p.ptsMicros() - p.dtsMicros()) / 1000);
      boolean video = p.isVideo();
      boolean disposable = video && !p.keyframe() && f.video() != null && "h264".equals(f.video().codec()) && NalUnits.isDisposable(p.data());
      boolean queued = queue.offer(new SendQueue.Frame(video, ts, cts, video && p.keyframe(), disposable, p.data()));
      if (queued && state instanceof DestinationState.Live && drainScheduled.compareAndSet(false, true)) {
        loop.execute(this::drain);
      }
    } catch (RuntimeException e) {
      log.debug("{}: packet not queued: {}", url, e.toString());
    }
  }

  /**
   * Stops: the state is {@code Stopped} on return; the unpublish, the close of the connection and the
   * end of the own event loop thread follow on that thread (within ~2 s). Does not block.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    setState(DestinationState.STOPPED);
    try {
      loop.execute(() -> {
        if (current != null) current.closeGracefully();
        current = null;
        queue.setOnline(false);
      });
    } catch (RuntimeException e) {
      log.debug("{}: event loop already gone: {}", url, e.toString());
    }
    if (ownsGroup) group.shutdownGracefully(50, 2000, TimeUnit.MILLISECONDS);
  }

  // --- event loop ---

  private void connect() {
    if (closed.get() || state instanceof DestinationState.Failed) return;
    setState(DestinationState.CONNECTING);
    RtmpPublishConnection conn = new RtmpPublishConnection(url, events, tls,
        options.publishTimeout().toMillis(), options.pingInterval().toMillis());
    current = conn;
    Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 << 10, 512 << 10))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls != null) ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), url.host(), url.port()));
            ch.pipeline().addLast("rtmp", conn);
          }
        });
    b.connect(url.host(), url.port()).addListener(f -> {
      if (!f.isSuccess()) {
        conn.end("cannot connect to " + url.host() + ":" + url.port() + ": " + RtmpPublishConnection.rootMessage(f.cause()), false);
      }
    });
  }

  private final RtmpPublishConnection.Listener events = new RtmpPublishConnection.Listener() {
    @Override
    public void onLive(RtmpPublishConnection c) {
      if (c != current) return;
      if (closed.get()) {
        c.closeGracefully();
        return;
      }
      attempt = 0;
      if (everLive) reconnects++;
      everLive = true;
      queue.setOnline(true);
      sendHeaders(c);
      log.info("{}: live{}", url, reconnects > 0 ? " again (reconnect " + reconnects + ")" : "");
      setState(DestinationState.LIVE);
      drain();
    }

    @Override
    public void onWritable(RtmpPublishConnection c) {
      if (c == current) drain();
    }

    @Override
    public void onRtt(RtmpPublishConnection c, double millis) {
      rttMillis = millis;
    }

    @Override
    public void onEnded(RtmpPublishConnection c, String reason, boolean permanent) {
      if (c != current) return;
      current = null;
      queue.setOnline(false);
      if (closed.get()) return;
      String why = sanitize(reason);
      if (permanent) {
        fail(why);
        return;
      }
      attempt++;
      if (!options.reconnect().allows(attempt)) {
        fail(attempt > 1 ? "gave up after " + (attempt - 1) + " retries: " + why : why);
        return;
      }
      Duration delay = options.reconnect().delay(attempt, random);
      log.info("{}: {}; retrying in {} ms", url, why, delay.toMillis());
      setState(new DestinationState.Reconnecting(delay.toMillis() / 1000.0, why));
      loop.schedule(RtmpPublisher.this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  };

  private void fail(String reason) {
    log.warn("{}: {}", url, reason);
    if (current != null) {
      RtmpPublishConnection c = current;
      current = null;
      c.closeGracefully();
    }
    setState(new DestinationState.Failed(reason));
  }

  private void sendHeaders(RtmpPublishConnection c) {
    StreamFormat f = format;
    // stamped with where the session clock is now (the frame we resume at), never back at 0
    long head = queue.headTimestamp();
    long ts = Math.max(lastTimestampMs, head);
    c.send(RtmpMediaMessages.metadata(f, ts, c.streamId(), io.netty.buffer.ByteBufAllocator.DEFAULT), false);
    if (f.video() != null && f.video().decoderConfig() != null) c.send(RtmpMediaMessages.videoSequenceHeader(f.video(), ts, c.streamId()), false);
    if (f.audio() != null && f.audio().audioSpecificConfig() != null) c.send(RtmpMediaMessages.audioSequenceHeader(f.audio(), ts, c.streamId()), false);
    c.flush();
  }

  private void drain() {
    drainScheduled.set(false);
    RtmpPublishConnection c = current;
    if (c == null || !c.isLive()) return;
    StreamFormat f = format;
    String codec = f.video() == null ? "h264" : f.video().codec();
    int n = 0;
    while (c.isWritable()) {
      SendQueue.Frame frame = queue.poll();
      if (frame == null) break;
      RtmpMessage m = RtmpMediaMessages.frame(frame, codec, c.streamId());
      int size = m.length();
      lastTimestampMs = frame.timestampMs();
      c.send(m, false);
      meter.record(System.nanoTime(), size, frame.video());
      if (frame.video()) framesSent.incrementAndGet();
      n++;
    }
    if (n > 0) c.flush();
  }

  /** Reasons come from servers, which may echo the stream name: mask the key. */
  private String sanitize(String reason) {
    String key = url.streamKey();
    int q = key.indexOf('?');
    String name = q < 0 ? key : key.substring(0, q);
    if (name.length() < 4) return reason; // too short to tell apart from ordinary words
    return reason.replace(key, url.maskedKey()).replace(name, url.maskedKey());
  }

  /** Serialised so that nothing follows Stopped; listeners run inside (they must be quick). */
  private synchronized void setState(DestinationState s) {
    if (state.equals(s) && !(s instanceof DestinationState.Reconnecting)) return;
    if (state instanceof DestinationState.Stopped) return;
    state = s;
    for (Consumer<DestinationState> l : listeners) {
      try {
        l.accept(s);
      } catch (RuntimeException e) {
        log.warn("{}: state listener failed: {}", url, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "RtmpPublisher[" + url + ", " + state + "]";
  }
}
