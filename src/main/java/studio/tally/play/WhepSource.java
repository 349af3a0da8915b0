package studio.tally.play;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import studio.tally.media.capture.Timecode;
import studio.tally.media.capture.TimecodeReader;
import studio.tally.rtc.ReceivedFrame;
import studio.tally.rtc.RtcException;
import studio.tally.rtc.RtcFactory;
import studio.tally.rtc.RtcReceiveStats;
import studio.tally.rtc.SdpExchange;
import studio.tally.rtc.SrsApiExchange;
import studio.tally.rtc.WhepOptions;
import studio.tally.rtc.WhepPlayer;
import studio.tally.rtc.WhipExchange;

/**
 * A WHEP endpoint or a {@code webrtc://} stream, received and decoded by libwebrtc (webrtc-java: its
 * jitter buffer, its A/V sync, its stats — what a browser does). One thread connects (offer, HTTP
 * exchange, ICE + DTLS), then polls getStats twice a second into the {@link QaMeter}; pictures and audio
 * arrive on libwebrtc's threads and are counted there. {@link #close()} ends the remote session (WHEP
 * DELETE) and releases libwebrtc.
 */
final class WhepSource implements AutoCloseable {
  private static final Duration STATS_PERIOD = Duration.ofMillis(500);

  private final PlayUrl url;
  private final PlayerOptions options;
  private final QaMeter meter;
  private final PlayerListener listener;
  private final Consumer<PlayFailure> fail;
  private final Runnable connected;
  private final Thread thread;
  private volatile boolean closed;
  private volatile WhepPlayer player;

  WhepSource(PlayUrl url, PlayerOptions options, QaMeter meter, PlayerListener listener, Consumer<PlayFailure> fail,
      Runnable connected) {
    this.url = url;
    this.options = options;
    this.meter = meter;
    this.listener = listener;
    this.fail = fail;
    this.connected = connected;
    this.thread = Thread.ofPlatform().name("tally-whep " + url.text()).daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  private SdpExchange exchange() {
    Duration t = options.connectTimeout();
    return switch (url) {
      case PlayUrl.Whep w -> new WhipExchange(w.endpoint(), options.bearerToken(), t);
      case PlayUrl.WebRtc r -> new SrsApiExchange(r.text(), true, t);
      default -> throw new IllegalStateException("not a WebRTC URL: " + url.text());
    };
  }

  private void run() {
    // this thread owns libwebrtc's objects: it makes them and releases them (close() interrupts it)
    try (RtcFactory factory = new RtcFactory()) {
      WhepPlayer p = null;
      try {
        p = WhepPlayer.connect(factory, exchange(), this::picture,
            (pcm, bits, rate, channels, frames) -> audio(pcm, rate, channels, frames),
            new WhepOptions(options.iceTcpOnly()), options.connectTimeout());
        player = p;
        if (closed) return;
        connected.run();
        while (!closed) {
          poll(p);
          String state = p.connectionState();
          if (state.equals("failed") || state.equals("closed")) {
            fail.accept(new PlayFailure(PlayFailure.Kind.ENDED, "the WebRTC connection " + state + " (ICE/DTLS lost)"));
            return;
          }
          Thread.sleep(STATS_PERIOD);
        }
      } finally {
        player = null;
        if (p != null) p.close();
      }
    } catch (RtcException e) {
      if (!closed) fail.accept(failure(e));
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      if (!closed) fail.accept(new PlayFailure(PlayFailure.Kind.BAD_STREAM, "libwebrtc: " + e));
    }
  }

  /** Reads getStats now into the meter (the probe calls this once more before judging). */
  void refresh() {
    WhepPlayer p = player;
    if (p != null && !closed) {
      try {
        poll(p);
      } catch (RtcException e) {
        // stats are best effort; the last poll stays
      }
    }
  }

  private void poll(WhepPlayer p) throws RtcException {
    RtcReceiveStats s = p.receiveStats(Duration.ofSeconds(2));
    long now = System.nanoTime();
    if (!s.codec().isEmpty()) meter.codecs(codecName(s.codec()), s.audioPacketsReceived() > 0 ? "OPUS" : null);
    meter.totalBytes(now, Math.max(0, s.videoBytes()), Math.max(0, s.audioBytes()));
    long received = Math.max(0, s.videoPacketsReceived()) + Math.max(0, s.audioPacketsReceived());
    long lost = Math.max(0, s.videoPacketsLost()) + Math.max(0, s.audioPacketsLost());
    double lossPct = received + lost == 0 ? 0 : Math.round(lost * 10000.0 / (received + lost)) / 100.0;
    meter.webrtc(new QaReport.WebRtc(s.transport(), round1(s.roundTripMs()), round1(s.videoJitterMs()),
        round1(s.audioJitterMs()), received, lost, lossPct, s.nackCount(), s.pliCount(), s.firCount(),
        round1(s.jitterBufferMs()), s.freezeCount(), round1(s.totalFreezesMs()), round1(s.framesPerSecond()),
        s.framesDropped(), s.concealedSamples()));
  }

  private void picture(ReceivedFrame f) {
    long now = f.receivedNanos();
    Timecode tc = TimecodeReader.read(f::luma, f.width(), f.height()).orElse(null);
    // libwebrtc hands frames over at their render time: fps is measured over that clock, as the
    // framesPerSecond of webrtc-stats is
    meter.picture(now, f.width(), f.height(), now / 1000, tc == null ? -1 : tc.frame(),
        tc == null ? 0 : tc.wallMillis(), System.currentTimeMillis());
    listener.onI420(f.width(), f.height(), f.y(), f.strideY(), f.u(), f.strideU(), f.v(), f.strideV());
  }

  private void audio(byte[] pcm, int rate, int channels, int frames) {
    meter.audioBlock(frames, rate, channels);
    listener.onAudio(pcm, rate, channels, frames);
  }

  /** Why connecting failed, in the words `tally probe` reports (exit 2). */
  static PlayFailure failure(RtcException e) {
    return switch (e) {
      case RtcException.Refused r when r.status() == 404 -> new PlayFailure(PlayFailure.Kind.NOT_FOUND, e.getMessage());
      case RtcException.Refused r -> new PlayFailure(PlayFailure.Kind.REJECTED, e.getMessage());
      case RtcException.Unreachable u -> unreachable(u);
      case RtcException.NegotiationFailed n when n.getMessage().startsWith("connecting") ->
          new PlayFailure(PlayFailure.Kind.ICE_FAILED, "ICE/DTLS did not connect: " + n.getMessage());
      case RtcException.NegotiationFailed n -> new PlayFailure(PlayFailure.Kind.BAD_SDP, "bad SDP answer: " + n.getMessage());
      case RtcException.TimedOut t when t.getMessage().startsWith("connecting") -> new PlayFailure(PlayFailure.Kind.ICE_FAILED,
          "ICE failed: " + t.getMessage() + " (no candidate pair worked; UDP blocked? try --ice-tcp-only)");
      case RtcException.TimedOut t -> new PlayFailure(PlayFailure.Kind.TIMEOUT, t.getMessage());
    };
  }

  private static PlayFailure unreachable(RtcException.Unreachable u) {
    Throwable c = u.getCause();
    while (c != null) {
      if (c instanceof HttpConnectTimeoutException) return new PlayFailure(PlayFailure.Kind.TIMEOUT, u.getMessage());
      if (c instanceof ConnectException) {
        return new PlayFailure(PlayFailure.Kind.REFUSED, "connection refused by " + u.url() + " (nothing listens there)");
      }
      if (c instanceof SSLException) return new PlayFailure(PlayFailure.Kind.TLS_UNTRUSTED, "TLS: " + c.getMessage());
      c = c.getCause();
    }
    return new PlayFailure(PlayFailure.Kind.UNREACHABLE, u.getMessage());
  }

  private static String codecName(String mime) {
    String name = mime.substring(mime.indexOf('/') + 1).toUpperCase(Locale.ROOT);
    return name.equals("HEVC") ? "H265" : name;
  }

  private static double round1(double v) {
    return v < 0 ? v : Math.round(v * 10) / 10.0;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    thread.interrupt();
    try {
      thread.join(options.connectTimeout().plusSeconds(5)); // the WHEP DELETE and libwebrtc's release
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
