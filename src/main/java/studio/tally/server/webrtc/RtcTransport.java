package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.channel.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.srtp.SrtpContext;
import studio.tally.proto.srtp.SrtpException;
import studio.tally.proto.srtp.SrtpKeys;
import studio.tally.proto.srtp.SrtpProfile;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsFailure;
import studio.tally.webrtc.dtls.DtlsIdentity;
import studio.tally.webrtc.dtls.DtlsResult;
import studio.tally.webrtc.dtls.DtlsClientSession;
import studio.tally.webrtc.dtls.DtlsRole;
import studio.tally.webrtc.dtls.DtlsServerSession;
import studio.tally.webrtc.dtls.DtlsSession;

/**
 * The transport of one WebRTC peer connection: ICE-lite checks, DTLS-SRTP, SRTP in and out. It only
 * moves packets and reports events; what to do with media (forwarding, the SFU) lives elsewhere and
 * talks to it through {@link Listener} and {@link #sendRtp}/{@link #sendRtcp}.
 *
 * <h2>Threading</h2>
 * Each transport lives on one event loop. With several UDP sockets (one per loop, SO_REUSEPORT) a new
 * transport does not know yet which socket its peer's address hashes to: it is created unadopted and
 * the first valid check adopts it onto the loop that received it (the UDP socket's loop, or the TCP
 * connection's). From then on its SRTP contexts and state change only there, and every
 * {@link Listener} callback runs there — so a listener must not block (hand heavy work to your own
 * queue). A transport closed or expired before any check settles on its home loop instead.
 * {@link #sendRtp}, {@link #sendRtcp} and {@link #close} are safe from any thread.
 *
 * <h2>Lifecycle</h2>
 * NEW (created, waiting for a check) → CHECKED (a valid check arrived; DTLS handshake running on its
 * own virtual thread) → CONNECTED (SRTP keys ready: {@link Listener#onConnected}) → CLOSED
 * ({@link Listener#onClosed} exactly once, with the reason: {@code "consent expired"} (no authenticated
 * STUN check, SRTP, SRTCP or DTLS record for the consent timeout),
 * {@code "dtls failed: ..."}, {@code "dtls closed by peer"}, {@code "tcp path closed"},
 * {@code "closed"}, {@code "server closed"}).
 */
public final class RtcTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtcTransport.class);
  /** Room for the largest SRTP/SRTCP trailer of any profile (GCM tag 16 + SRTCP index 4). */
  private static final int MAX_OVERHEAD = 32;
  /** Largest packet we protect on a loop's scratch array; bigger ones are dropped (no path carries them). */
  private static final int SCRATCH_SIZE = 65_536;
  private static final VarHandle PACKETS_IN = counter("packetsIn");
  private static final VarHandle BYTES_IN = counter("bytesIn");
  private static final VarHandle PACKETS_OUT = counter("packetsOut");
  private static final VarHandle BYTES_OUT = counter("bytesOut");
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[SCRATCH_SIZE];
    }
  };

  /** Events and decrypted media of one transport; every method runs on the transport's event loop. */
  public interface Listener {
    /** DTLS finished and SRTP keys are ready; {@link #sendRtp} now sends. */
    default void onConnected(RtcTransport transport) {
    }

    /**
     * One decrypted RTP packet (readable bytes: header and payload, no SRTP tag). The buffer is
     * released when this returns: {@code retain()} it (or copy) to keep it.
     */
    default void onRtp(RtcTransport transport, ByteBuf packet) {
    }

    /**
     * As {@link #onRtp(RtcTransport, ByteBuf)}, with when the packet came off the socket (the
     * transport's nano clock, taken before the hop to this loop): arrival times for congestion
     * control feedback, without the queueing on the way here.
     */
    default void onRtp(RtcTransport transport, ByteBuf packet, long receivedNanos) {
      onRtp(transport, packet);
    }

    /** One decrypted RTCP compound packet; same ownership as {@link #onRtp}. */
    default void onRtcp(RtcTransport transport, ByteBuf packet) {
    }

    /** The transport ended; called once. */
    default void onClosed(RtcTransport transport, String reason) {
    }
  }

  public enum State { NEW, CHECKED, CONNECTED, CLOSED }

  /** Counters since creation. {@code dropped} counts packets in or out that went nowhere. */
  public record Stats(long packetsIn, long bytesIn, long packetsOut, long bytesOut, long dropped,
      long srtpAuthFailures, long checks) {
  }

  private final WebRtcTransportServer server;
  private final IceCredentials credentials;
  private final byte[] integrityKey;
  private final CertificateFingerprint remoteFingerprint;
  private final DtlsRole dtlsRole;
  private final Listener listener;
  /** Where timers run before adoption, and where the transport settles if it closes unchecked. */
  private final EventLoop home;
  /** The loop the transport lives on: set once ({@link #settle}), by the first valid check's loop or at home. */
  private final java.util.concurrent.atomic.AtomicReference<EventLoop> loop = new java.util.concurrent.atomic.AtomicReference<>();
  private final LongSupplier nanoClock;
  private final Duration consentTimeout;
  private volatile ScheduledFuture<?> consentTimer;
  private final ScheduledFuture<?> uncheckedTimer;

  private volatile State state = State.NEW;
  private volatile RtcPath selected;
  private volatile DtlsSession dtls;
  private volatile String closeReason;
  private final java.util.concurrent.atomic.AtomicBoolean dtlsStarted = new java.util.concurrent.atomic.AtomicBoolean();
  // event loop only
  private boolean nominated;
  private RtcPath lastUdp;
  /** When the last authenticated packet (STUN check, SRTP, SRTCP, DTLS) arrived: consent is liveness, not STUN. */
  private long lastValidNanos;
  private SrtpContext sendContext;
  private SrtpContext receiveContext;
  /**
   * SRTP/SRTCP that arrived while our DTLS thread was still handing the keys over: the peer may send
   * its first media the moment it has our Finished, before {@link #dtlsDone} has run here. Kept
   * (at most {@link #EARLY_LIMIT}) and received once connected, so a publisher's first packets
   * (its keyframe's SPS and PPS) are not lost to that race.
   */
  private final java.util.ArrayDeque<EarlyPacket> early = new java.util.ArrayDeque<>();
  private static final int EARLY_LIMIT = 256;

  private record EarlyPacket(ByteBuf packet, long receivedNanos) {}

  // written on the event loop only (opaque stores: no fence), read from anywhere; fields of this object, not
  // adders of their own, since the fan-out touches them for every player per packet
  private long packetsIn;
  private long bytesIn;
  private long packetsOut;
  private long bytesOut;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder authFailures = new LongAdder();
  private final LongAdder checks = new LongAdder();

  RtcTransport(WebRtcTransportServer server, IceCredentials credentials, CertificateFingerprint remoteFingerprint,
      DtlsRole dtlsRole, Listener listener, EventLoop home, boolean adopted, LongSupplier nanoClock,
      Duration consentTimeout) {
    this.server = server;
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.integrityKey = StunIntegrity.shortTermKey(credentials.localPwd());
    this.remoteFingerprint = remoteFingerprint;
    this.dtlsRole = Objects.requireNonNull(dtlsRole, "dtlsRole");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.home = home;
    this.nanoClock = nanoClock;
    this.consentTimeout = consentTimeout;
    this.lastValidNanos = nanoClock.getAsLong();
    if (adopted) { // one loop for everything: no check needed to know where to live
      this.uncheckedTimer = null;
      settle(home);
    } else { // no check within the consent timeout: settle at home and expire there
      this.uncheckedTimer = home.schedule(() -> {
        if (settle(home) == home && state == State.NEW) {
          server.counters().consentExpired.increment();
          closeOnLoop("consent expired");
        }
      }, consentTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Fixes the transport's loop to {@code candidate} unless it has one already, and returns the loop it
   * lives on. The winner starts the consent timer there.
   */
  private EventLoop settle(EventLoop candidate) {
    if (loop.compareAndSet(null, candidate)) {
      long period = Math.max(20, Math.min(1000, consentTimeout.toMillis() / 5));
      try {
        consentTimer = candidate.scheduleAtFixedRate(this::checkConsent, period, period, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        log.debug("{}: event loop stopped", this);
      }
      if (uncheckedTimer != null) {
        uncheckedTimer.cancel(false);
      }
      return candidate;
    }
    return loop.get();
  }

  public IceCredentials credentials() {
    return credentials;
  }

  public String localUfrag() {
    return credentials.localUfrag();
  }

  public String localPwd() {
    return credentials.localPwd();
  }

  public State state() {
    return state;
  }

  /** The path media goes out on: the latest nominated (USE-CANDIDATE) one, else the latest checked; null before a check. */
  public RtcPath selectedPath() {
    return selected;
  }

  /** Our end of the DTLS handshake, as the SDP answer's {@code a=setup} said. */
  public DtlsRole dtlsRole() {
    return dtlsRole;
  }

  /** Why it closed, or null while open. */
  public String closeReason() {
    return closeReason;
  }

  /**
   * The loop the transport lives on; before its first check (not adopted yet), its home loop, fine for
   * timers that only call thread-safe methods. Listener callbacks run on the adopted loop.
   */
  public EventLoop eventLoop() {
    EventLoop l = loop.get();
    return l != null ? l : home;
  }

  public Stats stats() {
    return new Stats((long) PACKETS_IN.getOpaque(this), (long) BYTES_IN.getOpaque(this),
        (long) PACKETS_OUT.getOpaque(this), (long) BYTES_OUT.getOpaque(this), dropped.sum(),
        authFailures.sum(), checks.sum());
  }

  /** The DTLS session's counters (datagrams queued, dropped and why), or null before the first check. */
  public DtlsSession.Stats dtlsStats() {
    DtlsSession d = dtls;
    return d == null ? null : d.stats();
  }

  byte[] integrityKey() {
    return integrityKey;
  }

  // ------------------------------------------------------------------ sending

  /**
   * Protects a copy of {@code plain}'s readable bytes (an RTP packet) and sends it on the selected
   * path. Does not take ownership and does not move {@code plain}'s indexes: the caller may send the
   * same buffer to many transports. Before {@link Listener#onConnected}, or after close, it is dropped.
   */
  public void sendRtp(ByteBuf plain) {
    send(plain, false);
  }

  /** As {@link #sendRtp} for an RTCP compound packet. */
  public void sendRtcp(ByteBuf plain) {
    send(plain, true);
  }

  private void send(ByteBuf plain, boolean rtcp) {
    if (state != State.CONNECTED) { // protectAndSend would drop it too; also: no loop before the first check
      dropped.increment();
      return;
    }
    int n = plain.readableBytes();
    if (loop.get().inEventLoop()) { // the fan-out's case: protect in a scratch array, one copy into the datagram
      if (n + MAX_OVERHEAD > SCRATCH_SIZE) {
        dropped.increment();
        return;
      }
      byte[] a = SCRATCH.get();
      plain.getBytes(plain.readerIndex(), a, 0, n);
      protectAndSend(a, n, rtcp);
      return;
    }
    byte[] copy = new byte[n + MAX_OVERHEAD];
    plain.getBytes(plain.readerIndex(), copy, 0, n);
    if (!onLoop(() -> protectAndSend(copy, n, rtcp))) {
      dropped.increment();
    }
  }

  /** Protects {@code a[0, n)} in place (it has {@link #MAX_OVERHEAD} spare bytes) and sends it. */
  private void protectAndSend(byte[] a, int n, boolean rtcp) {
    RtcPath path = selected;
    if (state != State.CONNECTED || path == null) {
      dropped.increment();
      return;
    }
    int len;
    try {
      len = rtcp ? sendContext.protectRtcp(a, 0, n) : sendContext.protectRtp(a, 0, n);
    } catch (RuntimeException e) { // malformed packet from our own side: a bug upstream, not the peer
      dropped.increment();
      log.debug("{}: cannot protect outgoing {}: {}", this, rtcp ? "RTCP" : "RTP", e.getMessage());
      return;
    }
    if (path.send(a, 0, len)) {
      PACKETS_OUT.setOpaque(this, packetsOut + 1);
      BYTES_OUT.setOpaque(this, bytesOut + len);
    } else {
      dropped.increment();
    }
  }

  // ------------------------------------------------------------------ inbound, from the I/O loops

  /** A valid check arrived on {@code path} (called on the I/O loop that received it). */
  void onValidCheck(RtcPath path, boolean useCandidate) {
    checks.increment();
    if (state == State.CLOSED) {
      return;
    }
    settle(path.channel().eventLoop()); // the first check adopts the transport onto the loop that received it
    // synchronously, before the success response goes out. As server: the peer's ClientHello follows at
    // once and must find the session (and our flight a path). As client: our ClientHello must not
    // overtake that response; it does not, since we run on the path's channel loop (IceLiteAgent
    // writes the response inline) and the DTLS thread's writes queue behind this task on that loop.
    // A lost ClientHello is retransmitted on BouncyCastle's timer.
    if (selected == null) {
      selected = path;
    }
    if (dtlsStarted.compareAndSet(false, true)) {
      startDtls();
    }
    onLoop(() -> {
      if (state == State.CLOSED) {
        return;
      }
      lastValidNanos = nanoClock.getAsLong();
      if (path instanceof RtcPath.Udp) {
        lastUdp = path;
      }
      if (useCandidate) {
        if (!path.equals(selected)) {
          log.debug("{}: selected path {}", this, path);
        }
        selected = path;
        nominated = true;
      } else if (!nominated) {
        selected = path;
      }
      if (state == State.NEW) {
        state = State.CHECKED;
      }
    });
  }

  /** A DTLS record from a path bound to this transport; copied, never blocks. */
  void onDtls(ByteBuf packet) {
    DtlsSession d = dtls;
    if (d == null || state == State.CLOSED) {
      dropped.increment();
      return;
    }
    d.onDatagram(packet);
  }

  /** SRTP or SRTCP from a path bound to this transport; takes ownership of {@code packet}. */
  void onSrtp(ByteBuf packet) {
    long receivedNanos = nanoClock.getAsLong();
    boolean queued = onLoop(() -> {
      try {
        receive(packet, receivedNanos);
      } finally {
        packet.release();
      }
    });
    if (!queued) {
      packet.release();
      dropped.increment();
    }
  }

  private void receive(ByteBuf packet, long receivedNanos) {
    if (state == State.CHECKED && dtlsStarted.get() && early.size() < EARLY_LIMIT) {
      early.add(new EarlyPacket(packet.copy(), receivedNanos)); // a copy: the datagram goes back at once
      return;
    }
    if (state != State.CONNECTED) {
      dropped.increment();
      return;
    }
    int n = packet.readableBytes();
    boolean rtcp = n >= 2 && isRtcp(packet.getUnsignedByte(packet.readerIndex() + 1));
    try {
      if (rtcp) {
        receiveContext.unprotectRtcp(packet);
      } else {
        receiveContext.unprotectRtp(packet);
      }
    } catch (SrtpException e) {
      if (e.reason() == SrtpException.Reason.AUTH) {
        authFailures.increment();
      }
      dropped.increment();
      log.debug("{}: SRTP{} dropped: {}", this, rtcp ? "C" : "", e.getMessage());
      return;
    } catch (RuntimeException e) {
      dropped.increment();
      log.debug("{}: SRTP{} dropped: {}", this, rtcp ? "C" : "", e.toString());
      return;
    }
    // an authenticated packet proves the peer is there: players that stop checking once media flows
    // (pion, GStreamer) stay alive as long as they send RTCP or media
    lastValidNanos = receivedNanos;
    PACKETS_IN.setOpaque(this, packetsIn + 1);
    BYTES_IN.setOpaque(this, bytesIn + n);
    try {
      if (rtcp) {
        listener.onRtcp(this, packet);
      } else {
        listener.onRtp(this, packet, receivedNanos);
      }
    } catch (RuntimeException e) {
      log.warn("{}: media listener threw", this, e);
    }
  }

  /** RFC 5761 §4: RTCP packet types 192..223 put 64..95 in RTP's payload-type field. */
  static boolean isRtcp(int secondByte) {
    int pt = secondByte & 0x7F;
    return pt >= 64 && pt <= 95;
  }

  /** A TCP connection that carried this transport closed. */
  void onPathClosed(RtcPath path) {
    onLoop(() -> {
      if (state == State.CLOSED || !path.equals(selected)) {
        return;
      }
      if (lastUdp != null) {
        log.debug("{}: {} closed, back to {}", this, path, lastUdp);
        selected = lastUdp;
      } else {
        closeOnLoop("tcp path closed");
      }
    });
  }

  // ------------------------------------------------------------------ DTLS

  private void startDtls() {
    ServerCertificate certificate = server.certificate();
    DtlsIdentity identity = new DtlsIdentity(certificate.chain(), certificate.key());
    DtlsSession.Listener events = new DtlsSession.Listener() {
      @Override
      public void onHandshakeComplete(DtlsResult result) {
        onLoop(() -> dtlsDone(result));
      }

      @Override
      public void onFailure(DtlsFailure failure) {
        onLoop(() -> closeOnLoop("dtls failed: " + failure.reason() + " " + failure.message()));
      }

      @Override
      public void onClosedByPeer() {
        onLoop(() -> closeOnLoop("dtls closed by peer"));
      }

      @Override
      public void onAuthenticatedRecord() {
        long now = nanoClock.getAsLong();
        onLoop(() -> lastValidNanos = now);
      }
    };
    dtls = switch (dtlsRole) {
      case SERVER -> DtlsServerSession.start(identity, server.config().dtls(), remoteFingerprint, this::sendDtls, events);
      case CLIENT -> DtlsClientSession.start(identity, server.config().dtls(), remoteFingerprint, this::sendDtls, events);
    };
    if (state == State.CLOSED) {
      dtls.close(); // closed while we were starting it
    }
  }

  /** Called on the DTLS thread; Netty queues the write onto the channel's loop. */
  private void sendDtls(byte[] datagram) {
    RtcPath path = selected;
    if (path != null) {
      path.send(io.netty.buffer.Unpooled.wrappedBuffer(datagram));
    }
  }

  private void dtlsDone(DtlsResult result) {
    if (state == State.CLOSED) {
      return;
    }
    SrtpProfile profile = result.srtpProfile();
    if (profile == null) {
      closeOnLoop("dtls failed: SRTP profile " + result.srtpProfile() + " not supported");
      return;
    }
    // RFC 5764 §4.2: the DTLS client's write key protects what the client sends
    SrtpKeys keys = SrtpKeys.fromDtlsExporter(result.keyingMaterial(), profile, dtlsRole == DtlsRole.SERVER);
    sendContext = keys.sendContext();
    receiveContext = keys.receiveContext();
    state = State.CONNECTED;
    lastValidNanos = nanoClock.getAsLong(); // the peer's Finished authenticated it
    log.debug("{}: connected over {} ({})", this, selected, result);
    try {
      listener.onConnected(this);
    } catch (RuntimeException e) {
      log.warn("{}: onConnected threw", this, e);
    }
    if (!early.isEmpty()) {
      log.debug("{}: {} SRTP packets arrived before the keys were ready, received now", this, early.size());
    }
    for (EarlyPacket e; (e = early.poll()) != null; ) {
      try {
        receive(e.packet(), e.receivedNanos());
      } finally {
        e.packet().release();
      }
    }
  }

  // ------------------------------------------------------------------ closing

  /** Never registered (its ufrags were taken): stop the timer, tell nobody. */
  void abandon() {
    state = State.CLOSED;
    closeReason = "not registered";
    if (uncheckedTimer != null) {
      uncheckedTimer.cancel(false);
    }
    ScheduledFuture<?> c = consentTimer;
    if (c != null) {
      c.cancel(false);
    }
  }

  private void checkConsent() {
    if (state != State.CLOSED && nanoClock.getAsLong() - lastValidNanos > consentTimeout.toNanos()) {
      server.counters().consentExpired.increment();
      closeOnLoop("consent expired");
    }
  }

  /** Closes from any thread; {@link Listener#onClosed} gets {@code "closed"}. Idempotent. */
  @Override
  public void close() {
    close("closed");
  }

  /** Closes with a reason; safe from any thread. */
  public void close(String reason) {
    onLoop(() -> closeOnLoop(reason));
  }

  private void closeOnLoop(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    closeReason = reason;
    for (EarlyPacket e; (e = early.poll()) != null; ) {
      e.packet().release();
      dropped.increment();
    }
    ScheduledFuture<?> c = consentTimer;
    if (c != null) {
      c.cancel(false);
    }
    server.forget(this);
    DtlsSession d = dtls;
    if (d != null) {
      d.close();
    }
    log.debug("{}: closed: {}", this, reason);
    try {
      listener.onClosed(this, reason);
    } catch (RuntimeException e) {
      log.warn("{}: onClosed threw", this, e);
    }
  }

  /** Runs {@code task} on the transport's loop (now, if already there); false if the loop has stopped. */
  private boolean onLoop(Runnable task) {
    EventLoop l = settle(home); // adopted already (the usual case), or settles at home: closing before any check
    if (l.inEventLoop()) {
      task.run();
      return true;
    }
    try {
      l.execute(task);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("{}: event loop stopped, task dropped", this);
      return false;
    }
  }

  @Override
  public String toString() {
    return "rtc " + credentials.localUfrag();
  }

  private static VarHandle counter(String field) {
    try {
      return MethodHandles.lookup().findVarHandle(RtcTransport.class, field, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
