package studio.tally.play;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays one URL, whatever its protocol — {@code http(s)://…/x.flv} or {@code rtmp(s)://…} (our own
 * clients, decoders opened from the sequence headers), a WHEP endpoint or {@code webrtc://…} (libwebrtc
 * receives and decodes: {@link WhepSource}) — and measures it: {@link #report()} gives the QA figures at any moment. Headless by default:
 * every frame is decoded and counted; a {@link PlayerListener} can take the pictures for a window.
 * Start connecting with {@link #open}; {@link #close()} stops everything.
 */
public final class Player implements AutoCloseable {
  private final String url;
  private final QaMeter meter;
  private final EventLoopGroup group; // FLV/RTMP only
  private final MediaSource source; // FLV/RTMP only
  private final TagDecoding decoding; // FLV/RTMP only
  private final WhepSource whep; // WHEP/webrtc:// only
  private final PlayerListener listener;
  private final AtomicReference<PlayFailure> failure = new AtomicReference<>();
  private volatile boolean playing;
  private volatile boolean closed;

  private Player(String url, MediaSource.Factory factory, PlayerListener listener) {
    this.url = url;
    this.listener = listener;
    this.meter = new QaMeter(System.nanoTime());
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tally-play", true), NioIoHandler.newFactory());
    try {
      this.source = factory.create(group);
    } catch (RuntimeException e) { // e.g. a malformed TLS pin: no thread may outlive the refusal
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
    this.decoding = new TagDecoding(url, meter, listener, this::fail, source::setReading);
    this.whep = null;
  }

  private Player(PlayUrl url, PlayerOptions options, PlayerListener listener) {
    this.url = url.text();
    this.listener = listener;
    this.meter = new QaMeter(System.nanoTime());
    this.group = null;
    this.source = null;
    this.decoding = null;
    this.whep = new WhepSource(url, options, meter, listener, this::fail, () -> {
      playing = true;
      meter.connected(System.nanoTime());
    });
  }

  /**
   * Starts playing url.
   *
   * @throws IllegalArgumentException when url is not a URL we play (the message says which shapes
   *     are) or the TLS pin is malformed
   */
  public static Player open(String url, PlayerOptions options, PlayerListener listener) {
    PlayUrl parsed = PlayUrl.parse(url);
    PlayerListener l = listener == null ? new PlayerListener() {} : listener;
    MediaSource.Factory factory = switch (parsed) {
      case PlayUrl.Flv flv -> group -> new FlvHttpSource(flv, group, options);
      case PlayUrl.Rtmp rtmp -> group -> new RtmpPlaySource(rtmp.url(), group, options);
      case PlayUrl.Whep w -> null;
      case PlayUrl.WebRtc w -> null;
    };
    if (factory == null) {
      Player p = new Player(parsed, options, l);
      p.whep.start();
      return p;
    }
    Player p = new Player(parsed.text(), factory, l);
    p.source.start(p.events);
    return p;
  }

  public String url() {
    return url;
  }

  /** The QA figures now. */
  public QaReport report() {
    return meter.report(System.nanoTime());
  }

  /** True once the server accepted the request and media may flow. */
  public boolean isPlaying() {
    return playing;
  }

  /** True once a picture has been decoded. */
  public boolean hasPicture() {
    return meter.hasPicture();
  }

  /** Why the player stopped, if it did. */
  public Optional<PlayFailure> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Brings figures read from elsewhere up to date (WebRTC: one more getStats); blocks briefly. */
  void settle() {
    if (whep != null) whep.refresh();
  }

  private void fail(PlayFailure f) {
    if (closed || !failure.compareAndSet(null, f)) return;
    if (source != null) source.close();
    listener.onEnded(f);
  }

  private final MediaSource.Events events = new MediaSource.Events() {
    @Override
    public void connected() {
      playing = true;
      meter.connected(System.nanoTime());
    }

    @Override
    public void tag(int type, long timestampMs, ByteBuf body) {
      decoding.offer(type, timestampMs, body, System.nanoTime());
    }

    @Override
    public void ended(PlayFailure f) {
      fail(f);
    }
  };

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (whep != null) {
      whep.close();
      return;
    }
    source.close();
    decoding.close();
    group.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS);
  }
}
