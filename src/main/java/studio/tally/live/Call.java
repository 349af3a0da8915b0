package studio.tally.live;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.IntBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.PcmBlocks;
import studio.tally.media.capture.I420Pattern;
import studio.tally.media.capture.PulseSources;
import studio.tally.media.capture.TonePcm;
import studio.tally.play.I420;
import studio.tally.proto.signaling.SignalingError;
import studio.tally.proto.signaling.SignalingNames;
import studio.tally.rtc.CallSession;
import studio.tally.rtc.RtcException;
import studio.tally.rtc.RtcFactory;
import studio.tally.rtc.RtcStats;
import studio.tally.signaling.SignalingClientException;
import studio.tally.signaling.SignalingOptions;

/**
 * A one-to-one call for the studio's Call window: the engine's face of an {@link CallSession}. It sends
 * the test pattern (the same one {@code tally call} sends, so the peer can read its time codes) or the
 * studio's scene (the preview's pictures, through {@link SceneFeed}), hands
 * pictures to the window as ARGB ints on its own threads (self on the source thread, the peer on
 * libwebrtc's render thread, same contract as the studio preview), and says what happens as
 * {@link State}s with a sentence. Connecting runs on its own thread: {@link #start} returns at once and
 * never blocks the caller; {@link #close} (hang up) blocks for a few seconds, so call it off the FX thread.
 */
public final class Call implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Call.class);
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int FPS = 30;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Why a call sending the scene takes no microphone of its own. */
  public static final String SCENE_HAS_ITS_MICROPHONES = "the studio's scene is sent with its own sound (the mixer's"
      + " microphones, gain and mute): a call microphone would send your voice twice; choose none";

  public enum Mode { SFU, P2P }

  /**
   * How to reach the signaling server and the peer beyond its URL: STUN/TURN servers for P2P
   * ({@code stun:host:port}, {@code turn:user:pass@host:port?transport=udp}, as {@code tally call
   * --ice-server} takes them), the server's token, and for {@code wss://} a SHA-256 certificate pin or
   * "accept any certificate". {@link #DIRECT}: none of these.
   */
  public record Connection(List<String> iceServers, String token, String tlsFingerprint, boolean insecureTls) {
    public static final Connection DIRECT = new Connection(List.of(), null, null, false);

    public Connection {
      iceServers = List.copyOf(iceServers);
      token = token == null || token.isBlank() ? null : token.strip();
      tlsFingerprint = tlsFingerprint == null || tlsFingerprint.isBlank() ? null : tlsFingerprint.strip();
    }

    /** ICE server URLs separated by spaces, commas or new lines (the window's one field). */
    public static List<String> iceServerList(String text) {
      return text == null ? List.of()
          : java.util.Arrays.stream(text.split("[\\s,]+")).filter(t -> !t.isEmpty()).toList();
    }
  }

  /**
   * CONNECTING until signaling has joined (and, SFU, published); WAITING for the peer or its media;
   * IN_CALL from the peer's first picture; PEER_LEFT when it hangs up; RECONNECTING while signaling is
   * lost; FAILED with the reason (the call is over); ENDED after hanging up.
   */
  public enum State { CONNECTING, WAITING, IN_CALL, PEER_LEFT, RECONNECTING, FAILED, ENDED }

  /** Called on the call's threads: hand over, return quickly. */
  @FunctionalInterface
  public interface Listener {
    void onState(State state, String detail);
  }

  /**
   * The call's figures over the last interval. Bitrates are -1 before a second interval; in P2P mode
   * one connection carries both directions ({@code bothWays}): {@code sendKbps} is -1 and
   * {@code receiveKbps} counts both.
   *
   * @param rttMillis ICE round-trip time of the receiving connection, -1 unknown
   * @param lossPercent packets lost of those expected from the peer, since the call started
   * @param width the peer's picture, 0 before one arrives
   * @param fps the peer's pictures per second over the last interval
   */
  public record Figures(double rttMillis, double receiveKbps, double sendKbps, long packetsLost, double lossPercent,
      int width, int height, double fps, long framesReceived, String codec, boolean bothWays) {

    /** One line for the window: "RTT 1.2 ms · in 812 kbps · out 790 kbps · loss 0 (0.0 %) · 640x360 · 30.0 fps". */
    public String line() {
      StringBuilder b = new StringBuilder();
      b.append("RTT ").append(rttMillis < 0 ? "–" : String.format(Locale.ROOT, "%.1f ms", rttMillis));
      if (bothWays) {
        b.append(" · in+out ").append(kbps(receiveKbps));
      } else {
        b.append(" · in ").append(kbps(receiveKbps)).append(" · out ").append(kbps(sendKbps));
      }
      b.append(" · loss ").append(packetsLost).append(String.format(Locale.ROOT, " (%.1f %%)", lossPercent));
      b.append(" · ").append(width == 0 ? "no picture" : width + "x" + height);
      b.append(String.format(Locale.ROOT, " · %.1f fps", fps));
      if (codec != null && !codec.isEmpty()) b.append(" · ").append(codec.replace("video/", ""));
      return b.toString();
    }

    private static String kbps(double k) {
      return k < 0 ? "–" : String.format(Locale.ROOT, "%.0f kbps", k);
    }
  }

  private final SignalingOptions signaling;
  private final String room;
  private final String name;
  private final Mode mode;
  private final PreviewListener peerFrames;
  private final Listener listener;
  private final I420Pattern pattern; // the test pattern, or null when the scene is sent
  private final String microphone; // a PulseAudio source ("pulse:NAME", "pulse:default"), or null: the source's own sound
  private final TonePcm tone; // the test tone with the test pattern when no microphone is sent
  private final PcmBlocks sceneMix; // the scene's mixed audio when the scene is sent
  private final Studio scene;
  private final List<String> iceServers;
  private final SceneFeed sceneFeed;
  private final ScheduledExecutorService source = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("call-source").unstarted(r));
  private final Thread connector;
  private final Object figuresLock = new Object();
  private final AtomicLong peerSize = new AtomicLong();
  private volatile CallSession session;
  private volatile RtcFactory factory;
  private volatile String micSource;
  private volatile boolean micMuted;
  private volatile boolean cameraOff;
  private volatile boolean closed;
  private volatile boolean failed;
  private int[] peerArgb = new int[0]; // libwebrtc's render thread only
  // figures: the previous sample, for rates
  private long lastNanos;
  private long lastReceiveBytes = -1;
  private long lastSendBytes = -1;
  private long lastFrames;

  private Call(SignalingOptions signaling, List<String> iceServers, String room, String name, Mode mode, Studio scene,
      String microphone, PreviewListener self, PreviewListener peerFrames, Listener listener) {
    this.signaling = signaling;
    this.microphone = microphone;
    this.iceServers = iceServers;
    this.room = room;
    this.name = name;
    this.mode = mode;
    this.peerFrames = peerFrames;
    this.listener = listener;
    this.scene = scene;
    this.sceneFeed = scene == null ? null : new SceneFeed();
    this.pattern = scene == null ? new I420Pattern(name, WIDTH, HEIGHT, FPS) : null;
    this.tone = scene == null && microphone == null ? new TonePcm() : null;
    this.sceneMix = scene == null ? null : new PcmBlocks();
    if (tone != null || sceneMix != null) {
      // every 10 ms on the source thread: the tone due by now, or the mix the scene thread left (a call that
      // falls behind loses the older sound, see PcmBlocks); never on the mixer's thread or the FX thread
      source.scheduleAtFixedRate(() -> {
        try {
          RtcFactory f = factory; // null while connecting: the sound goes nowhere yet
          PcmBlocks.BlockSink push = pcm -> {
            if (f != null) f.pushAudio(pcm, PcmBlocks.SAMPLE_RATE, PcmBlocks.CHANNELS);
          };
          if (tone != null) tone.drain(push);
          else sceneMix.drain(push);
        } catch (RuntimeException e) {
          log.debug("call: audio lost: {}", e.toString());
        }
      }, 0, 10, TimeUnit.MILLISECONDS);
    }
    int[] selfArgb = new int[WIDTH * HEIGHT];
    AtomicLong tick = new AtomicLong();
    source.scheduleAtFixedRate(() -> {
      try {
        boolean showSelf = tick.getAndIncrement() % 2 == 0 && !cameraOff; // 15 fps is plenty for a self view
        if (sceneFeed != null) {
          sceneFeed.take((w, h, argb, y, u, v) -> {
            CallSession s = session;
            if (s != null) s.pushFrame(w, h, y, w, u, w / 2, v, w / 2, System.nanoTime());
            if (showSelf) self.onFrame(w, h, IntBuffer.wrap(argb), System.nanoTime() / 1000);
          });
          return;
        }
        pattern.next((w, h, y, sy, u, su, v, sv) -> {
          CallSession s = session;
          if (s != null) s.pushFrame(w, h, y, sy, u, su, v, sv, System.nanoTime());
          if (showSelf) {
            I420.toArgb(w, h, y, sy, u, su, v, sv, selfArgb);
            self.onFrame(w, h, IntBuffer.wrap(selfArgb), System.nanoTime() / 1000);
          }
        });
      } catch (RuntimeException e) {
        log.debug("call: a frame lost: {}", e.toString()); // while the media path changes; the next one goes out
      }
    }, 0, 1_000_000 / FPS, TimeUnit.MICROSECONDS);
    if (scene != null) {
      scene.addSceneTap(sceneFeed);
      scene.addMixTap(sceneMix);
    }
    this.connector = Thread.ofPlatform().daemon().name("call-connect").unstarted(this::connect);
  }

  /**
   * Starts joining {@code room} as {@code name} through the signaling server at {@code signalUrl}; the
   * listener hears CONNECTING at once, then how it goes.
   *
   * @param scene the studio whose scene to send (its preview's pictures, at the preview's size), or
   *     null to send the test pattern
   * @param self our own pictures as the peer gets them (source thread)
   * @param peer the peer's pictures (libwebrtc's render thread)
   * @throws StudioException when the input is not usable ({@link #problem} says why)
   */
  public static Call start(String signalUrl, String room, String name, Mode mode, boolean micMuted, boolean cameraOff,
      Studio scene, PreviewListener self, PreviewListener peer, Listener listener) {
    return start(signalUrl, Connection.DIRECT, room, name, mode, micMuted, cameraOff, scene, null, self, peer, listener);
  }

  /**
   * As above, with the ICE servers, token and certificate trust of {@code connection}, and the sound:
   * {@code microphone} is a PulseAudio source ({@code pulse:NAME} as {@link Studio#audioDevices()} lists
   * it, {@code pulse:default}) recorded by libwebrtc with echo cancellation, noise suppression and gain
   * control (the peer is heard on the default output), or null for the source's own sound: the test
   * tone with the test pattern; with the scene, the scene's mixed audio (what the stream and the
   * recording get: its microphones are in it already, with their gain and mute, so the call takes no
   * second microphone: {@link #SCENE_HAS_ITS_MICROPHONES}). Mute mic silences the call's sound on the
   * call only.
   */
  public static Call start(String signalUrl, Connection connection, String room, String name, Mode mode, boolean micMuted,
      boolean cameraOff, Studio scene, String microphone, PreviewListener self, PreviewListener peer, Listener listener) {
    String problem = problem(signalUrl, connection, room, name);
    if (problem != null) throw new StudioException(problem);
    if (scene != null && microphone != null) throw new StudioException(SCENE_HAS_ITS_MICROPHONES);
    String micSource = null;
    if (microphone != null) {
      try {
        micSource = PulseSources.microphone(microphone);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new StudioException("microphone: " + e.getMessage());
      }
    }
    SignalingOptions so = SignalingOptions.of(signalUrl.strip())
        .withTls(connection.tlsFingerprint(), connection.insecureTls()).withToken(connection.token())
        .withTimeouts(TIMEOUT, Duration.ofSeconds(5), Duration.ofSeconds(30));
    Call c = new Call(so, connection.iceServers(), room, name, mode, scene, microphone, self, peer, listener);
    c.micSource = micSource;
    c.micMuted = micMuted;
    c.cameraOff = cameraOff;
    listener.onState(State.CONNECTING, "joining '" + room + "' at " + so.uri().getHost() + ":" + so.port());
    c.connector.start();
    return c;
  }

  /** Why these cannot start a call (the first problem, in words for the window), or null if they can. */
  public static String problem(String signalUrl, String room, String name) {
    return problem(signalUrl, Connection.DIRECT, room, name);
  }

  /** As above, also checking each ICE server and the certificate pin of {@code connection}. */
  public static String problem(String signalUrl, Connection connection, String room, String name) {
    if (signalUrl == null || signalUrl.isBlank()) return "server: enter a signaling URL (ws://host:port/sig/v1/rtc)";
    SignalingOptions so;
    try {
      so = SignalingOptions.of(signalUrl.strip());
    } catch (IllegalArgumentException e) {
      return "server: " + e.getMessage();
    }
    try {
      so.withTls(connection.tlsFingerprint(), connection.insecureTls());
    } catch (IllegalArgumentException e) {
      return "certificate: " + e.getMessage();
    }
    String ice = IceServerChecks.forCall(connection.iceServers());
    if (ice != null) return ice;
    if (!SignalingNames.isValid(room)) return SignalingNames.problem("room", room);
    if (!SignalingNames.isValid(name)) return SignalingNames.problem("name", name);
    return null;
  }

  /**
   * The signaling URL of the studio's own server ({@code ws://host:port/sig/v1/rtc} on its HTTP
   * listener), or null while it is not running.
   */
  public static String signalUrl(ServerStatus server) {
    if (server == null || server.state() != ServerStatus.State.RUNNING || server.playUrl() == null) return null;
    URI play = URI.create(server.playUrl()); // http://host:port/live/studio.flv: the HTTP listener
    return "ws://" + reachableHost(play.getHost()) + ":" + play.getPort() + "/sig/v1/rtc";
  }

  /**
   * Our browser call page for {@code room} on the server behind {@code signalUrl}
   * ({@code http(s)://host:port/call/<room>}), or null if either is not valid.
   */
  public static String inviteLink(String signalUrl, String room) {
    if (signalUrl == null || !SignalingNames.isValid(room)) return null;
    try {
      SignalingOptions so = SignalingOptions.of(signalUrl.strip());
      String host = so.uri().getHost();
      return (so.tls() ? "https://" : "http://") + host + ":" + so.port() + "/call/" + room;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A wildcard listener is reached through one of the machine's addresses; a guest needs a real one. */
  private static String reachableHost(String host) {
    if (!host.equals("0.0.0.0") && !host.equals("[::]") && !host.equals("::") && !host.equals("[0:0:0:0:0:0:0:0]")) {
      return host;
    }
    try {
      for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
        if (!n.isUp() || n.isLoopback()) continue;
        for (InetAddress a : n.inetAddresses().toList()) {
          if (a instanceof java.net.Inet4Address) return a.getHostAddress();
        }
      }
    } catch (SocketException e) {
      // fall back to this machine
    }
    return "127.0.0.1";
  }

  private void connect() {
    try {
      // the sound is the factory's: libwebrtc's microphone, or what we push (the test tone, the scene's mix)
      RtcFactory f = microphone != null ? RtcFactory.withMicrophone(micSource, RtcFactory.VoiceProcessing.ALL)
          : RtcFactory.withPushedAudio();
      factory = f;
      if (closed) return;
      var options = new CallSession.Options(signaling, room, name, mode == Mode.SFU ? CallSession.Mode.SFU : CallSession.Mode.P2P,
          iceServers, 1_500_000, TIMEOUT).muted(micMuted, cameraOff);
      CallSession s = CallSession.start(f, options, frame -> {
        int n = frame.width() * frame.height();
        if (peerArgb.length != n) peerArgb = new int[n];
        I420.toArgb(frame.width(), frame.height(), frame.y(), frame.strideY(), frame.u(), frame.strideU(), frame.v(),
            frame.strideV(), peerArgb);
        peerSize.set(((long) frame.width() << 32) | frame.height());
        peerFrames.onFrame(frame.width(), frame.height(), IntBuffer.wrap(peerArgb), frame.timestampNs() / 1000);
      }, new CallSession.Events() {
        @Override
        public void onState(CallSession.State state, String detail) {
          sessionState(state, detail);
        }
      });
      session = s;
      s.setMuted(micMuted, cameraOff); // a mute pressed while connecting
      if (closed) s.close();
    } catch (SignalingClientException e) {
      fail(reason(e));
    } catch (RtcException e) {
      fail("media: " + e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      log.info("call: could not start", e);
      fail("could not start the call: " + e.getMessage());
    }
  }

  private void fail(String reason) {
    failed = true;
    if (!closed) listener.onState(State.FAILED, reason);
  }

  private void sessionState(CallSession.State state, String detail) {
    if (failed) return; // a session that failed to start closes itself: its "hung up" is not ours
    switch (state) {
      case WAITING -> listener.onState(State.WAITING, detail);
      case IN_CALL -> listener.onState(State.IN_CALL, detail);
      case PEER_LEFT -> listener.onState(State.PEER_LEFT, detail);
      case RECONNECTING -> listener.onState(State.RECONNECTING, detail);
      case ENDED -> {
        if (session == null && !closed) {
          return; // start is failing (its socket closed first): the exception it throws says why
        }
        if (closed) {
          listener.onState(State.ENDED, detail);
        } else {
          failed = true; // signaling gave up reconnecting
          listener.onState(State.FAILED, detail);
        }
      }
    }
  }

  /** The signaling server's refusal in a streamer's words. */
  private String reason(SignalingClientException e) {
    SignalingError error = e.error();
    if (error == SignalingError.DUPLICATE_DISPLAY) return "the name '" + name + "' is already in room '" + room + "': choose another name";
    if (error == SignalingError.ROOM_FULL) return "room '" + room + "' is full: a call has room for two";
    if (error == SignalingError.UNAUTHORIZED) return "the server wants a token for its rooms";
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    if (m.contains("handshake response getStatus: 404")) {
      return "no signaling server at " + signaling.uri().getScheme() + "://" + signaling.uri().getHost() + ":"
          + signaling.port() + signaling.uri().getPath() + " (HTTP 404; ours is at /sig/v1/rtc)";
    }
    return m.replace(signaling.toString(), signaling.uri().getScheme() + "://" + signaling.uri().getHost() + ":"
        + signaling.port() + signaling.uri().getPath());
  }

  /** Mutes the microphone and/or turns the camera off (the peer gets silence / black frames). */
  public void setMuted(boolean mic, boolean camera) {
    micMuted = mic;
    cameraOff = camera;
    CallSession s = session;
    if (s != null) s.setMuted(mic, camera);
  }

  public String room() {
    return room;
  }

  public String name() {
    return name;
  }

  public Mode mode() {
    return mode;
  }

  /** The figures since the last call of this method; asks libwebrtc (may take a moment: not on the FX thread). */
  public Figures figures() {
    synchronized (figuresLock) { // never while the call closes: libwebrtc's stats of a closing connection
      if (closed) return null;
      CallSession s = session;
      return s == null ? null : figuresOf(s.stats());
    }
  }

  /** Under figuresLock: rates against the previous sample. */
  private Figures figuresOf(CallSession.Stats st) {
    RtcStats rx = st.receive();
    RtcStats tx = st.send();
    boolean oneConnection = rx != null && rx == tx;
    long now = System.nanoTime();
    double seconds = lastNanos == 0 ? 0 : (now - lastNanos) / 1e9;
    long rxBytes = rx == null ? 0 : rx.bytes();
    long txBytes = tx == null ? 0 : tx.bytes();
    double inKbps = seconds <= 0 || lastReceiveBytes < 0 ? -1 : Math.max(0, rxBytes - lastReceiveBytes) * 8 / seconds / 1000;
    double outKbps = oneConnection || seconds <= 0 || lastSendBytes < 0 ? -1
        : Math.max(0, txBytes - lastSendBytes) * 8 / seconds / 1000;
    double fps = seconds <= 0 ? 0 : Math.max(0, st.framesReceived() - lastFrames) / seconds;
    lastNanos = now;
    lastReceiveBytes = rxBytes;
    lastSendBytes = txBytes;
    lastFrames = st.framesReceived();
    long lost = rx == null ? 0 : rx.packetsLost();
    long packets = rx == null ? 0 : rx.packets();
    double loss = packets + lost <= 0 ? 0 : 100.0 * lost / (packets + lost);
    long size = peerSize.get();
    return new Figures(rx == null ? -1 : rx.roundTripMillis(), inKbps, outKbps, lost, loss, (int) (size >>> 32),
        (int) size, fps, st.framesReceived(), rx == null ? "" : rx.codec(), oneConnection);
  }

  /**
   * Hangs up: {@code bye} (P2P) and {@code leave} to the room, every connection closed, then the
   * libwebrtc engine and the test pattern freed. Blocks for a few seconds at most.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (scene != null) {
      scene.removeSceneTap(sceneFeed);
      scene.removeMixTap(sceneMix);
    }
    source.shutdownNow();
    try {
      source.awaitTermination(5, TimeUnit.SECONDS);
      connector.join(TIMEOUT.toMillis() * 3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    CallSession s = session;
    session = null;
    if (s != null) {
      synchronized (figuresLock) { // after a figures() in progress
        s.close(); // leave, bye; says ENDED
      }
    } else if (!failed) {
      listener.onState(State.ENDED, "hung up");
    }
    RtcFactory f = factory;
    if (f != null && !connector.isAlive()) f.close();
    if (pattern != null) pattern.close();
    if (tone != null) tone.close();
  }
}
