package studio.tally.output;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;
import studio.tally.media.encode.OpusTranscoder;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.webrtc.WebRtcClientTransport;
import studio.tally.webrtc.ice.TurnServer;
import studio.tally.webrtc.dtls.DtlsConfig;
import studio.tally.webrtc.dtls.DtlsIdentity;
import studio.tally.webrtc.dtls.DtlsResult;

/**
 * A WHIP destination (RFC 9725) beside {@link RtmpPublisher}, fed by the same {@link FanOut}: the one
 * H.264 encode goes out as RTP over our own WebRTC transport ({@link WebRtcClientTransport}: ICE
 * controlling, DTLS, SRTP) — no second video encode. Audio goes out as Opus: the session's own Opus, or
 * its AAC made Opus by {@link OpusTranscoder} (48 kHz stereo).
 *
 * <p>Life: the first {@link #onFormat} starts the POST of the offer on a virtual thread (HTTP is
 * blocking), the answer starts the transport on the event loop; {@code Live} once DTLS is done. ICE
 * or DTLS failure, lost consent or a transient HTTP failure (unreachable, 5xx) → {@code Reconnecting}
 * with {@link ReconnectPolicy} (a new POST, the old session DELETEd); a refusal (4xx, no Location, an
 * unusable answer) → {@code Failed} with the server's reason. {@link #close} DELETEs the session
 * ({@link #deleted()} completes with the status). Media waits in a bounded {@link SendQueue}.
 */
public final class WhipDestination implements PacketSink {
  private static final Logger log = LoggerFactory.getLogger(WhipDestination.class);

  private final WhipUrl url;
  private final WhipOptions options;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final EventLoop loop;
  private final WhipSignaling signaling;
  private final SendQueue queue;
  private final RateMeter meter = new RateMeter();
  private final SplittableRandom random = new SplittableRandom();
  private final List<Consumer<DestinationState>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicLong framesSent = new AtomicLong();
  private final CompletableFuture<Integer> deleted = new CompletableFuture<>();
  private final Object clockLock = new Object();
  private final Object audioLock = new Object();
  private OpusTranscoder opus; // guarded by audioLock
  private volatile boolean sendAudio;
  private volatile DestinationState state = DestinationState.CONNECTING;
  private volatile StreamFormat format;
  private volatile int reconnects;
  private long originMicros = Long.MIN_VALUE; // guarded by clockLock
  // event loop only
  private volatile Attempt current; // written on the loop, read by stats()
  private int attempt;
  private volatile TlsTrust defaultRelayTls; // made on first use by a turns: relay
  private boolean everLive;

  /** One POST + transport. */
  private final class Attempt {
    final DtlsIdentity identity;
    final WhipOffer offer;
    WhipOffer.Negotiated neg;
    WebRtcClientTransport transport;
    WhipRtpSender sender;
    ScheduledFuture<?> reports;
    URI location;
    boolean ended;

    Attempt(DtlsIdentity identity, WhipOffer offer) {
      this.identity = identity;
      this.offer = offer;
    }
  }

  public WhipDestination(WhipUrl url, WhipOptions options) {
    this.url = url;
    this.options = options;
    this.ownsGroup = options.eventLoopGroup() == null;
    this.group = ownsGroup
        ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tally-whip-out", true), NioIoHandler.newFactory())
        : options.eventLoopGroup();
    this.loop = group.next();
    this.signaling = new WhipSignaling(url, options.token(), options.bearerPrefix());
    this.queue = new SendQueue(options.queue());
  }

  public WhipUrl url() {
    return url;
  }

  public DestinationState state() {
    return state;
  }

  public void addListener(Consumer<DestinationState> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<DestinationState> listener) {
    listeners.remove(listener);
  }

  /** Completes after {@link #close} with the DELETE's HTTP status (0: none sent or no answer). */
  public CompletableFuture<Integer> deleted() {
    return deleted;
  }

  /** A snapshot; RTT from the server's receiver reports (LSR/DLSR), else from ICE consent checks. Any thread. */
  public DestinationStats stats() {
    long now = System.nanoTime();
    Attempt a = current;
    double rtt = Double.NaN;
    if (a != null && a.sender != null) {
      rtt = a.sender.rttMillis;
    }
    if (Double.isNaN(rtt) && a != null && a.transport != null) {
      rtt = a.transport.iceRttMillis();
    }
    return new DestinationStats(url.toString(), state, meter.kbps(now), meter.fps(now), framesSent.get(),
        queue.videoDropped(), queue.audioDropped(), queue.bytes(), queue.millis(), reconnects,
        Double.isNaN(rtt) ? OptionalDouble.empty() : OptionalDouble.of(rtt),
        a != null && a.transport != null && a.transport.isConnected() ? a.transport.relayServer() : null);
  }

  /** The server's view of the path: fraction lost (0..1) from its last report, its REMB estimate in bit/s (-1: none). */
  public WhipFeedback feedback() {
    Attempt a = current;
    WhipRtpSender s = a == null ? null : a.sender;
    return s == null ? new WhipFeedback(0, -1, 0, 0, 0)
        : new WhipFeedback(s.lossFraction, s.rembBps, s.nacksReceived, s.retransmitted, s.keyframeRequests);
  }

  @Override
  public void onFormat(StreamFormat f) {
    try {
      if (f.video() == null || !"h264".equals(f.video().codec())) {
        loop.execute(() -> fail("WHIP sends H.264 video; the session has " + (f.video() == null ? "no video" : f.video().codec())));
        return;
      }
      sendAudio = f.audio() != null && ("opus".equals(f.audio().codec())
          || "aac".equals(f.audio().codec()));
      format = f;
      if (started.compareAndSet(false, true)) {
        loop.execute(this::connect);
      }
    } catch (RuntimeException e) {
      log.warn("{}: onFormat failed: {}", url, e.toString());
    }
  }

  @Override
  public void onPacket(EncodedPacket p) {
    try {
      StreamFormat f = format;
      if (closed.get() || f == null || state instanceof DestinationState.Failed) {
        return;
      }
      if (p.isVideo() || "opus".equals(f.audio().codec())) {
        enqueue(p);
        return;
      }
      synchronized (audioLock) { // the encoder thread; close() frees the transcoder under the same lock
        if (!sendAudio || closed.get()) {
          return;
        }
        if (opus == null) {
          opus = new OpusTranscoder(f.audio().audioSpecificConfig(), f.audio().sampleRate(), f.audio().channels());
        }
        opus.transcode(p, this::enqueue);
      }
    } catch (RuntimeException e) {
      log.debug("{}: packet not queued: {}", url, e.toString());
    }
  }

  private void enqueue(EncodedPacket p) {
    long ts;
    synchronized (clockLock) {
      if (originMicros == Long.MIN_VALUE) {
        originMicros = p.ptsMicros();
      }
      ts = Math.max(0, (p.ptsMicros() - originMicros) / 1000); // RTP carries presentation time
    }
    boolean video = p.isVideo();
    boolean disposable = video && !p.keyframe() && NalUnits.isDisposable(p.data());
    boolean queued = queue.offer(new SendQueue.Frame(video, ts, 0, video && p.keyframe(), disposable, p.data()));
    if (queued && state instanceof DestinationState.Live && drainScheduled.compareAndSet(false, true)) {
      loop.execute(this::drain);
    }
  }

  /** Stops: {@code Stopped} on return; the transport closes and the DELETE goes out in the background. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    setState(DestinationState.STOPPED);
    synchronized (audioLock) {
      if (opus != null) {
        opus.close();
        opus = null;
      }
    }
    try {
      loop.execute(() -> {
        Attempt a = current;
        current = null;
        queue.setOnline(false);
        URI loc = a == null ? null : a.location;
        if (a != null) {
          end(a);
        }
        Thread.ofVirtual().name("whip-delete").start(() -> {
          try {
            deleted.complete(signaling.delete(loc));
          } catch (InterruptedException e) {
            deleted.complete(0);
          } finally {
            signaling.close();
            if (ownsGroup) {
              group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS);
            }
          }
        });
      });
    } catch (RuntimeException e) {
      deleted.complete(0);
      log.debug("{}: event loop already gone: {}", url, e.toString());
    }
  }

  // --- event loop ---

  private void connect() {
    if (closed.get() || state instanceof DestinationState.Failed) {
      return;
    }
    setState(DestinationState.CONNECTING);
    StreamFormat f = format;
    DtlsIdentity identity = DtlsIdentity.selfSigned("tally-whip");
    WhipOffer offer = new WhipOffer(identity, f.video().decoderConfig(), sendAudio);
    Attempt a = new Attempt(identity, offer);
    current = a;
    boolean retrying = attempt > 0;
    Thread.ofVirtual().name("whip-post").start(() -> {
      try {
        WhipResponses.Created created = signaling.publish(offer.sdp());
        WhipOffer.Negotiated neg = offer.negotiate(created.answerSdp(), options.tcpOnly());
        WebRtcClientTransport.Relay relay = neg.remote().tcp() != null ? null : relay(created.iceServers());
        loop.execute(() -> answered(a, created, neg, relay));
      } catch (WhipException e) {
        // after a lost attempt, 409 is most likely our own previous session (a POST that timed out on
        // our side but was served): the server ends it on its consent timeout, so try again later
        boolean ownLeftover = e.status() == 409 && retrying;
        loop.execute(() -> lost(a, e.getMessage(), !e.transientFailure() && !ownLeftover));
      } catch (InterruptedException e) {
        loop.execute(() -> lost(a, "interrupted", true));
      } catch (RuntimeException e) {
        loop.execute(() -> lost(a, e.toString(), true));
      }
    });
  }

  /**
   * The TURN relay for this attempt: the user's first TURN server, else the first usable one of the
   * answer's Link headers; STUN servers add nothing toward a WHIP server (it learns our address from
   * the checks), so they are skipped. A {@code turns:} relay is trusted by {@link WhipOptions#relayTls()}
   * (default: the JDK's trust store and host name). Resolves the host
   * (blocking DNS): call off the event loop. Null when there is none.
   */
  private WebRtcClientTransport.Relay relay(List<WhipResponses.IceServer> linked) {
    List<TurnServer> candidates = new java.util.ArrayList<>();
    for (String s : options.iceServers()) {
      if (s.strip().toLowerCase(java.util.Locale.ROOT).startsWith("turn")) {
        candidates.add(TurnServer.parse(s)); // checked when the option was given
      }
    }
    for (WhipResponses.IceServer s : linked) {
      if (!s.isTurn()) {
        continue;
      }
      try {
        candidates.add(TurnServer.of(s.uri(), s.username(), s.credential()));
      } catch (IllegalArgumentException e) {
        log.info("{}: Link ICE server skipped: {}", url, e.getMessage());
      }
    }
    for (TurnServer t : candidates) {
      try {
        return new WebRtcClientTransport.Relay(t, new java.net.InetSocketAddress(java.net.InetAddress.getByName(t.host()), t.port()),
            t.transport() == TurnServer.Transport.TLS ? relayTls() : null);
      } catch (java.net.UnknownHostException e) {
        log.warn("{}: TURN {}: cannot resolve {}", url, t.uri(), t.host());
      }
    }
    return null;
  }

  private TlsTrust relayTls() {
    if (options.relayTls() != null) {
      return options.relayTls();
    }
    if (defaultRelayTls == null) {
      defaultRelayTls = new TlsTrust(null, false);
    }
    return defaultRelayTls;
  }

  /** Whether {@code relay} came from the answer's Link headers (the user's own TURN servers go first). */
  private boolean fromLink(WebRtcClientTransport.Relay relay) {
    return options.iceServers().stream().noneMatch(s -> s.strip().toLowerCase(java.util.Locale.ROOT).startsWith("turn"));
  }

  private void answered(Attempt a, WhipResponses.Created created, WhipOffer.Negotiated neg,
      WebRtcClientTransport.Relay relay) {
    a.location = created.location();
    if (a != current || closed.get()) {
      deleteInBackground(created.location());
      return;
    }
    log.info("{}: answer accepted ({}, {}{}), checking {}", url, neg.remote().tcp() != null ? "ICE-TCP" : "UDP",
        neg.iceLite() ? "ice-lite" : "full ICE", created.iceServers().isEmpty() ? "" : ", ICE servers " + created.iceServers(),
        WhipOffer.firstTarget(neg).map(Object::toString).orElse("?") + (relay == null ? "" : ", relay " + relay.server().uri()));
    a.neg = neg;
    a.transport = WebRtcClientTransport.start(neg.remote(), a.identity,
        DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(10)), options.iceTimeout(), relay, loop,
        new WebRtcClientTransport.Listener() {
          @Override
          public void onConnected(DtlsResult dtls) {
            live(a);
          }

          @Override
          public void onRtcp(io.netty.buffer.ByteBuf rtcp) {
            if (a.sender != null) {
              a.sender.onRtcp(rtcp);
            }
          }

          @Override
          public void onFailed(String reason) {
            // a TURN server that refused our credentials will refuse them again: a setting to fix
            boolean refused = a.transport != null && a.transport.relayRefused();
            lost(a, refused && relay != null && fromLink(relay) && reason.contains("refused the credentials") ? reason + " (credentials from the WHIP server's Link"
                + " header: the server's TURN secret or password does not match the TURN server's)" : reason, refused);
          }
        });
  }

  private void live(Attempt a) {
    if (a != current || closed.get()) {
      return;
    }
    byte[][] ps = parameterSets(format.video().decoderConfig());
    WebRtcClientTransport t = a.transport;
    a.sender = new WhipRtpSender(a.offer, a.neg, ps[0], ps[1], new WhipRtpSender.Output() {
      @Override
      public void rtp(io.netty.buffer.ByteBuf plain) {
        t.sendRtp(plain);
      }

      @Override
      public void rtcp(io.netty.buffer.ByteBuf plain) {
        t.sendRtcp(plain);
      }
    }, options.keyframeRequest());
    a.reports = loop.scheduleAtFixedRate(a.sender::sendReports, 0, 1, TimeUnit.SECONDS);
    attempt = 0;
    if (everLive) {
      reconnects++;
    }
    everLive = true;
    queue.setOnline(true);
    if (t.selectedViaRelay()) {
      java.net.InetSocketAddress r = t.relayedAddress();
      log.info("{}: ICE connected via relay {}:{} to {}", url, r.getAddress().getHostAddress(), r.getPort(), t.selectedRemote());
    }
    log.info("{}: live over {}{}{}", url, t.selectedRemote(), t.selectedViaRelay() ? " (TURN relay)" : "",
        reconnects > 0 ? " again (reconnect " + reconnects + ")" : "");
    setState(DestinationState.LIVE);
    runKeyframeRequest(); // the server's viewers (and its RTMP bridge) need a keyframe now, not in a GOP
    drain();
  }

  private void lost(Attempt a, String reason, boolean permanent) {
    if (a != current) {
      return;
    }
    current = null;
    queue.setOnline(false);
    URI loc = a.location;
    end(a);
    if (closed.get()) {
      return;
    }
    deleteInBackground(loc);
    if (permanent) {
      fail(reason);
      return;
    }
    attempt++;
    if (!options.reconnect().allows(attempt)) {
      fail(attempt > 1 ? "gave up after " + (attempt - 1) + " retries: " + reason : reason);
      return;
    }
    Duration delay = options.reconnect().delay(attempt, random);
    log.info("{}: {}; retrying in {} ms", url, reason, delay.toMillis());
    setState(new DestinationState.Reconnecting(delay.toMillis() / 1000.0, reason));
    loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void end(Attempt a) {
    a.ended = true;
    if (a.reports != null) {
      a.reports.cancel(false);
    }
    if (a.transport != null) {
      a.transport.close();
    }
  }

  private void deleteInBackground(URI loc) {
    if (loc != null) {
      Thread.ofVirtual().name("whip-delete").start(() -> {
        try {
          signaling.delete(loc);
        } catch (InterruptedException e) {
          // closing
        }
      });
    }
  }

  private void fail(String reason) {
    log.warn("{}: {}", url, reason);
    Attempt a = current;
    current = null;
    if (a != null) {
      end(a);
      deleteInBackground(a.location);
    }
    setState(new DestinationState.Failed(reason));
  }

  private void runKeyframeRequest() {
    try {
      options.keyframeRequest().run();
    } catch (RuntimeException e) {
      log.debug("{}: keyframe request failed: {}", url, e.toString());
    }
  }

  private void drain() {
    drainScheduled.set(false);
    Attempt a = current;
    if (a == null || a.sender == null || a.ended) {
      return;
    }
    for (SendQueue.Frame frame; (frame = queue.poll()) != null; ) {
      int size = frame.video() ? a.sender.sendVideo(frame.data(), frame.timestampMs(), frame.keyframe())
          : a.sender.sendAudio(frame.data(), frame.timestampMs());
      meter.record(System.nanoTime(), size, frame.video());
      if (frame.video()) {
        framesSent.incrementAndGet();
      }
    }
  }

  /** SPS and PPS from the encoder's avcC; nulls when it has none. */
  static byte[][] parameterSets(byte[] avcC) {
    if (avcC == null || avcC.length < 7) {
      return new byte[2][];
    }
    try {
      AvcDecoderConfigurationRecord r = AvcDecoderConfigurationRecord.parse(io.netty.buffer.Unpooled.wrappedBuffer(avcC));
      return new byte[][] {r.sps().isEmpty() ? null : r.sps().getFirst(), r.pps().isEmpty() ? null : r.pps().getFirst()};
    } catch (RuntimeException e) {
      return new byte[2][];
    }
  }

  /** Serialised so that nothing follows Stopped; listeners run inside (they must be quick). */
  private synchronized void setState(DestinationState s) {
    if (state.equals(s) && !(s instanceof DestinationState.Reconnecting)) {
      return;
    }
    if (state instanceof DestinationState.Stopped) {
      return;
    }
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
    return "WhipDestination[" + url + ", " + state + "]";
  }
}
