package studio.tally.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onvoid.webrtc.RTCConfiguration;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.signaling.Participant;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.signaling.SignalingClient;
import studio.tally.signaling.SignalingClientException;
import studio.tally.signaling.SignalingOptions;

/**
 * A one-to-one call over SRS-compatible signaling. SFU mode does what SRS's one2one page does: publish
 * self to {@code webrtc://host/<room>/<display>} (WHIP on the signaling server's host), send
 * {@code publish}, play every peer that publishes, stop on {@code leave}. P2P mode sends SDP through
 * {@code control} ({@code call} = offer/answer/candidate/bye, {@code data} = JSON); the lower display
 * offers, and on glare the higher one yields. All WebRTC work runs on one worker thread, never on the
 * signaling event loop.
 */
public final class CallSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CallSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Mode { SFU, P2P }

  public enum State { WAITING, IN_CALL, PEER_LEFT, RECONNECTING, ENDED }

  /**
   * @param iceServers STUN/TURN URLs for P2P ({@code stun:host:port}, {@code turn:user:pass@host:port}); empty = host candidates
   */
  public record Options(SignalingOptions signaling, String room, String display, Mode mode, List<String> iceServers,
      int maxBitrate, Duration timeout, boolean micMuted, boolean cameraOff) {
    public Options(SignalingOptions signaling, String room, String display, Mode mode, List<String> iceServers,
        int maxBitrate, Duration timeout) {
      this(signaling, room, display, mode, iceServers, maxBitrate, timeout, false, false);
    }

    /** Joins with the microphone muted and/or the camera off (see {@link CallSession#setMuted}). */
    public Options muted(boolean mic, boolean camera) {
      return new Options(signaling, room, display, mode, iceServers, maxBitrate, timeout, mic, camera);
    }
  }

  /** What the call reports; called on the worker or signaling thread, return quickly. */
  public interface Events {
    default void onState(State state, String detail) {}
  }

  /**
   * Figures for {@code tally call}: frames each way, libwebrtc's stats for each direction, the set-up
   * time from the moment both were in the room to the peer's first decoded frame (-1: none), and when
   * each step of the set-up ended, in ms from that moment (negative: before it), in the order they
   * ended (empty while the peer was never seen).
   */
  public record Stats(String peer, long framesReceived, long framesPushed, long setupMillis, RtcStats send, RtcStats receive,
      Map<String, Long> setupSteps) {}

  private final RtcFactory factory;
  private final Options options;
  private final VideoFrameListener remoteFrames;
  private final AudioFrameListener remoteAudio;
  private final Events events;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(
      r -> Thread.ofPlatform().daemon().name("call-worker").unstarted(r));
  private final AtomicLong received = new AtomicLong();
  private final SfuEndpoints sfu;
  private final AtomicLong pushed = new AtomicLong();
  private volatile long firstFrameNanos;
  private volatile long peerSeenNanos;
  // when each set-up step first ended (System.nanoTime), for Stats.setupSteps
  private final Map<String, Long> steps = new ConcurrentHashMap<>();
  // frames from the current peer since it (re)appeared: the call is "in call" from its first frame
  private volatile boolean peerMedia;
  private volatile boolean micMuted;
  private volatile boolean cameraOff;
  private SignalingClient signaling;
  // SFU
  private volatile WhipPublisher publisher;
  private final Map<String, WhepPlayer> players = new HashMap<>();
  // P2P (worker-confined, read by pushFrame through the volatile)
  private volatile CallPeer peer;
  private String peerDisplay;
  private boolean offering;
  private volatile String lastPeer;
  private volatile RtcStats lastReceive;
  /** P2P: frames encoded on connections this call dropped (the peer came back, a new offer): still sent. */
  private volatile long encodedOnDroppedPeers;
  private volatile boolean closed;
  // A native video source must never get a frame after its peer closed (that crashes, not throws).
  private final Object pushLock = new Object();

  private CallSession(RtcFactory factory, Options options, VideoFrameListener remoteFrames, AudioFrameListener remoteAudio,
      Events events) {
    this.factory = factory;
    this.remoteAudio = remoteAudio;
    this.options = options;
    this.events = events;
    this.sfu = new SfuEndpoints(options.signaling(), options.room(), options.timeout());
    this.micMuted = options.micMuted();
    this.cameraOff = options.cameraOff();
    this.remoteFrames = f -> {
      if (received.getAndIncrement() == 0) {
        firstFrameNanos = System.nanoTime();
        step("first_frame");
        log.info("call: first frame from the peer");
      }
      if (!peerMedia) {
        peerMedia = true;
        events.onState(State.IN_CALL, lastPeer);
      }
      remoteFrames.onFrame(f);
    };
  }

  /**
   * Connects to the signaling server, joins and (SFU) publishes. Throws when that fails; the peer may
   * come later.
   */
  public static CallSession start(RtcFactory factory, Options options, VideoFrameListener remoteFrames, Events events)
      throws SignalingClientException, RtcException {
    return start(factory, options, remoteFrames, (pcm, bits, rate, channels, frames) -> { }, events);
  }

  /**
   * As above; the peer's decoded audio goes to remoteAudio (libwebrtc's audio thread, 10 ms blocks). What
   * we send is the factory's audio (see {@link RtcFactory}).
   */
  public static CallSession start(RtcFactory factory, Options options, VideoFrameListener remoteFrames,
      AudioFrameListener remoteAudio, Events events) throws SignalingClientException, RtcException {
    CallSession c = new CallSession(factory, options, remoteFrames, remoteAudio, events);
    try {
      c.begin();
      return c;
    } catch (SignalingClientException | RtcException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void begin() throws SignalingClientException, RtcException {
    long t0 = System.nanoTime();
    step("start");
    // SFU: we publish to <room>/<display> while signaling connects and joins (SRS's page joins first, but
    // the stream is the media server's, not the room's), and a player is made ready for the peer
    CompletableFuture<WhipPublisher> publishing = null;
    if (options.mode() == Mode.SFU) {
      sfu.warmUp(options.display());
      publishing = sfu.publish(factory, options.maxBitrate(), options.display(), p -> p.mute(micMuted, cameraOff), this::step);
      sfu.prepareSpare(factory, remoteFrames, remoteAudio);
    }
    try {
      join(t0);
      if (publishing != null) {
        publish(publishing, t0);
      }
    } finally {
      if (publishing != null && publisher == null) {
        sfu.closeUnused(publishing); // before the caller closes the factory under it
      }
    }
    if (!peerMedia) {
      String peerNow = lastPeer;
      events.onState(State.WAITING, peerNow == null ? "in room '" + options.room() + "'" : "connecting to '" + peerNow + "'");
    }
  }

  private void publish(CompletableFuture<WhipPublisher> publishing, long t0) throws RtcException, SignalingClientException {
    WhipPublisher p = sfu.awaitPublished(publishing);
    p.mute(micMuted, cameraOff); // no frame goes out unmuted
    synchronized (pushLock) {
      publisher = p;
    }
    p.mute(micMuted, cameraOff); // after publishing it: a setMuted in between sees it or set these flags first
    await(signaling.publish(), "publish");
    step("publish_sent");
    log.info("call: published self {} ms after start (offer ready at {} ms, connected at {} ms)",
        (System.nanoTime() - t0) / 1_000_000, sinceStart("publish_offer", t0), sinceStart("publish_connected", t0));
  }

  private void step(String name) {
    steps.putIfAbsent(name, System.nanoTime());
  }

  private long sinceStart(String step, long t0) {
    Long t = steps.get(step);
    return t == null ? -1 : (t - t0) / 1_000_000;
  }

  private void join(long t0) throws SignalingClientException {
    signaling = SignalingClient.connect(options.signaling(), new SignalingClient.Listener() {
      @Override
      public void onNotify(ServerMessage.Notify n) {
        work(() -> notified(n));
      }

      @Override
      public void onState(SignalingClient.State s, String reason) {
        if (s == SignalingClient.State.RECONNECTING) {
          events.onState(State.RECONNECTING, reason);
        } else if (s == SignalingClient.State.CLOSED && !closed) {
          events.onState(State.ENDED, "signaling closed: " + reason);
        }
      }

      @Override
      public void onRejoined(ServerMessage.JoinReply r) {
        work(() -> rejoined(r));
      }
    });
    ServerMessage.JoinReply joined = await(signaling.join(options.room(), options.display()), "join");
    step("joined");
    if (joined.participants().size() > 1) {
      peerSeenNanos = System.nanoTime();
    }
    log.info("call: joined room '{}' as '{}' ({} mode) {} ms after start, participants {}", options.room(), options.display(),
        options.mode(), (System.nanoTime() - t0) / 1_000_000, joined.participants());
    // peers already there (and, in SFU mode, already publishing) are played at once, while we publish
    for (Participant p : joined.participants()) {
      if (!p.display().equals(options.display())) {
        work(() -> present(p));
      }
    }
  }

  /** Pushes one I420 picture to the peer (dropped while no media path exists yet). */
  public void pushFrame(int width, int height, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v,
      int strideV, long timestampNs) {
    synchronized (pushLock) {
      if (closed) {
        return;
      }
      WhipPublisher pub = publisher;
      CallPeer p = peer;
      if (pub != null) {
        pub.pushFrame(width, height, y, strideY, u, strideU, v, strideV, timestampNs);
        pushed.incrementAndGet();
      } else if (p != null) {
        FramePush.push(p.videoSource(), width, height, y, strideY, u, strideU, v, strideV, timestampNs);
        pushed.incrementAndGet();
      }
    }
  }

  /**
   * Mutes the microphone and/or turns the camera off, now and for any peer connection made later: the
   * tracks stay in the session disabled, so the peer gets silence and black frames.
   */
  public void setMuted(boolean mic, boolean camera) {
    micMuted = mic;
    cameraOff = camera;
    WhipPublisher pub = publisher;
    if (pub != null) {
      pub.mute(mic, camera);
    }
    CallPeer p = peer;
    if (p != null) {
      p.mute(mic, camera);
    }
  }

  public boolean micMuted() {
    return micMuted;
  }

  public boolean cameraOff() {
    return cameraOff;
  }

  public long framesReceived() {
    return received.get();
  }

  /** A snapshot of both directions. */
  public Stats stats() {
    RtcStats send = null;
    RtcStats receive = null;
    try {
      if (publisher != null) {
        send = publisher.stats(options.timeout());
        WhepPlayer any;
        synchronized (players) {
          any = players.values().stream().findFirst().orElse(null);
        }
        receive = any == null ? lastReceive : any.stats(options.timeout());
      } else {
        send = p2pStats();
        receive = send; // one connection carries both directions
      }
    } catch (RtcException e) {
      log.info("call: stats failed: {}", e.getMessage());
    }
    // from the moment both were in the room (our join, or the peer's join notify) to its first frame
    long seen = peerSeenNanos;
    long setup = firstFrameNanos == 0 || seen == 0 ? -1 : Math.max(0, firstFrameNanos - seen) / 1_000_000;
    Map<String, Long> setupSteps = new LinkedHashMap<>();
    if (seen != 0) {
      steps.entrySet().stream().sorted(Map.Entry.comparingByValue())
          .forEach(e -> setupSteps.put(e.getKey(), Math.floorDiv(e.getValue() - seen, 1_000_000L)));
    }
    return new Stats(lastPeer, received.get(), pushed.get(), setup, send, receive, setupSteps);
  }

  /**
   * P2P figures now: the live connection's, or, when the peer hung up meanwhile (its bye drops the
   * connection on the worker while the caller asks, typically both ending a call of the same length at
   * once), the figures kept from it before it was dropped — never the empty report of a closed one.
   */
  private RtcStats p2pStats() {
    CallPeer p = peer;
    if (p != null) {
      try {
        RtcStats now = p.stats().plusEncodedEarlier(encodedOnDroppedPeers);
        if (p == peer) return now;
      } catch (RtcException e) {
        // closed while we asked: its last figures were kept before it was dropped
      }
    }
    return lastReceive;
  }

  private void present(Participant p) {
    if (options.mode() == Mode.SFU) {
      // Play at once, even before the peer publishes: our server answers such a player and starts it
      // when the publisher comes (its publish and our play then run side by side, not one after the
      // other). A server that refuses (SRS) is asked again on the peer's publish notify. The peer's
      // publish notify may come before our join reply lists it: a player it started is kept (a new
      // one would wait for the publisher's next keyframe, which libwebrtc may hold back after the
      // first player's request).
      if (!playing(p.display())) {
        play(p.display());
      }
      return;
    }
    if (peer != null && p.display().equals(peerDisplay)) {
      return;
    }
    lastPeer = p.display();
    if (options.display().compareTo(p.display()) < 0) {
      offer(p.display());
    }
    // else: the peer with the lower display offers; we answer
  }

  private void notified(ServerMessage.Notify n) {
    String from = n.peer() == null ? null : n.peer().display();
    if (from == null || from.equals(options.display())) {
      return;
    }
    switch (n.event()) {
      case ServerMessage.JOIN -> {
        if (peerSeenNanos == 0) {
          peerSeenNanos = System.nanoTime(); // (the worker's hop adds microseconds)
          step("peer_joined");
        }
        if (options.mode() == Mode.P2P && from.equals(peerDisplay)) {
          log.info("call: '{}' joined again (a new socket): starting over with a new connection", from);
          dropPeer(); // it came back on a new socket: start over
        }
        present(n.peer());
      }
      case ServerMessage.PUBLISH -> {
        if (options.mode() == Mode.SFU && !playing(from)) {
          play(from);
        }
      }
      case ServerMessage.CONTROL -> control(from, n.param(), n.data());
      case ServerMessage.LEAVE -> {
        log.info("call: '{}' left", from);
        peerMedia = false;
        stopPlaying(from);
        if (from.equals(peerDisplay)) {
          dropPeer();
        }
        events.onState(State.PEER_LEFT, from);
      }
      default -> { }
    }
  }

  private void rejoined(ServerMessage.JoinReply r) {
    if (options.mode() == Mode.SFU && publisher != null) {
      signaling.publish(); // the server reset our publishing flag with the new socket
    }
    events.onState(received.get() > 0 ? State.IN_CALL : State.WAITING, "signaling reconnected");
  }

  // --- SFU ---

  private void play(String display) {
    stopPlaying(display);
    lastPeer = display;
    try {
      long t0 = System.nanoTime();
      step("play_start");
      WhepPlayer p = sfu.takeSpare();
      step("play_offer");
      if (p != null) {
        p.play(sfu.exchange("whep", display), options.timeout());
      } else {
        p = WhepPlayer.connect(factory, sfu.exchange("whep", display), remoteFrames, remoteAudio, true, true,
            WhepOptions.defaults(), options.timeout());
      }
      step("play_connected");
      log.info("call: playing '{}', connected in {} ms", display, (System.nanoTime() - t0) / 1_000_000);
      synchronized (players) {
        players.put(display, p);
      }
    } catch (RtcException e) {
      log.info("call: playing '{}' failed: {}", display, e.getMessage());
    }
  }

  /** A connected player of display's stream (set up before it published, or on its publish notify). */
  private boolean playing(String display) {
    synchronized (players) {
      WhepPlayer p = players.get(display);
      return p != null && p.connected();
    }
  }

  private void stopPlaying(String display) {
    WhepPlayer p;
    synchronized (players) {
      p = players.remove(display);
    }
    if (p != null) {
      try {
        lastReceive = p.stats(options.timeout()); // the figures of a call that ended stay reportable
      } catch (RtcException e) {
        // no figures then
      }
      p.close();
    }
  }

  // --- P2P ---

  private void offer(String to) {
    dropPeer();
    CallPeer p = newPeer(to);
    try {
      String sdp = p.offer(factory);
      offering = true;
      await(signaling.control("offer", sdpJson("offer", sdp), to), "control offer");
      log.info("call: offer sent to '{}'", to);
    } catch (RtcException | SignalingClientException e) {
      log.info("call: offering to '{}' failed: {}", to, e.getMessage());
      dropPeer();
    }
  }

  private void control(String from, String call, String data) {
    if (options.mode() != Mode.P2P || call == null) {
      return;
    }
    try {
      switch (call) {
        case "offer" -> {
          if (offering && options.display().compareTo(from) < 0) {
            log.info("call: glare with '{}': our offer stands (lower display)", from);
            return;
          }
          dropPeer();
          CallPeer p = newPeer(from);
          String answer = p.answer(sdpOf(data));
          await(signaling.control("answer", sdpJson("answer", answer), from), "control answer");
          watchConnected(p, from);
        }
        case "answer" -> {
          if (peer != null && offering && from.equals(peerDisplay)) {
            offering = false;
            peer.acceptAnswer(sdpOf(data));
            watchConnected(peer, from);
          }
        }
        case "candidate" -> {
          if (peer != null && from.equals(peerDisplay) && data != null && !data.isEmpty()) {
            JsonNode c = JSON.readTree(data);
            if (c.hasNonNull("candidate") && !c.get("candidate").asText().isEmpty()) {
              peer.addCandidate(c.path("sdpMid").asText("0"), c.path("sdpMLineIndex").asInt(0), c.get("candidate").asText());
            }
          }
        }
        case "bye" -> {
          if (from.equals(peerDisplay)) {
            dropPeer();
            peerMedia = false;
            events.onState(State.PEER_LEFT, from + " hung up");
          }
        }
        default -> { } // SRS's page sends refresh/alert: not ours to act on
      }
    } catch (RtcException | SignalingClientException | java.io.IOException e) {
      log.info("call: control '{}' from '{}' failed: {}", call, from, e.getMessage());
    }
  }

  private void watchConnected(CallPeer p, String from) throws RtcException {
    p.awaitConnected();
    p.mute(micMuted, cameraOff); // a microphone's sender has its encoding to turn off only once negotiated
    log.info("call: connected peer to peer with '{}'", from);
    events.onState(State.IN_CALL, from);
  }

  private CallPeer newPeer(String display) {
    CallPeer p = new CallPeer(factory, configuration(), remoteFrames, remoteAudio, options.timeout());
    p.mute(micMuted, cameraOff);
    synchronized (pushLock) {
      peer = p;
    }
    p.mute(micMuted, cameraOff);
    peerDisplay = display;
    lastPeer = display;
    return p;
  }

  /** Worker thread: keeps the connection's last figures first (a stats() asking meanwhile falls back to them), then drops it. */
  private void dropPeer() {
    CallPeer p = peer;
    if (p != null) {
      try {
        RtcStats last = p.stats();
        lastReceive = last.plusEncodedEarlier(encodedOnDroppedPeers);
        encodedOnDroppedPeers += last.framesEncoded();
      } catch (RtcException e) {
        // no figures then
      }
    }
    synchronized (pushLock) {
      peer = null;
    }
    peerDisplay = null;
    offering = false;
    if (p != null) {
      p.close();
    }
  }

  private RTCConfiguration configuration() {
    return IceServers.configuration(options.iceServers());
  }

  /** Throws IllegalArgumentException with a clear message if {@code url} is not a STUN/TURN URL. */
  public static void checkIceServer(String url) {
    IceServers.parse(url);
  }

  private static String sdpJson(String type, String sdp) {
    return JSON.createObjectNode().put("type", type).put("sdp", sdp).toString();
  }

  private static String sdpOf(String data) throws java.io.IOException {
    JsonNode n = JSON.readTree(data == null ? "" : data);
    if (n == null || !n.hasNonNull("sdp")) {
      throw new java.io.IOException("control data carries no 'sdp'");
    }
    return n.get("sdp").asText();
  }

  private void work(Runnable r) {
    if (closed) {
      return;
    }
    try {
      worker.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.info("call: {}", e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) throws SignalingClientException {
    try {
      return f.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SignalingClientException s) {
        throw s;
      }
      throw new SignalingClientException(null, what + ": " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new SignalingClientException(what + ": no answer within " + options.timeout().toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignalingClientException(what + ": interrupted");
    }
  }

  /** Hangs up: {@code bye} to the peer (P2P), {@code leave}, then every connection closes. */
  @Override
  public void close() {
    synchronized (pushLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    worker.shutdown();
    try {
      worker.awaitTermination(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (signaling != null && signaling.state() == SignalingClient.State.OPEN) {
      try {
        if (peerDisplay != null) {
          signaling.control("bye", "", peerDisplay).get(2, TimeUnit.SECONDS);
        }
        signaling.leave().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("call: leaving: {}", e.toString());
      }
    }
    List<WhepPlayer> all;
    synchronized (players) {
      all = List.copyOf(players.values());
      players.clear();
    }
    all.forEach(WhepPlayer::close);
    dropPeer();
    if (publisher != null) {
      publisher.close();
      publisher = null;
    }
    if (signaling != null) {
      signaling.close();
    }
    sfu.close();
    events.onState(State.ENDED, "hung up");
  }
}
