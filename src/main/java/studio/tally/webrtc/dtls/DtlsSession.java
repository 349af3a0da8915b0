package studio.tally.webrtc.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of DTLS-SRTP (RFC 5764, RFC 6347) for one WebRTC peer, in the role our SDP answer took
 * (RFC 5763 §5): {@link DtlsServerSession} for {@code a=setup:passive} (the peer offered actpass or
 * active), {@link DtlsClientSession} for {@code a=setup:active} (the peer offered passive). Both share
 * this class: queue, thread, outcome and close handling; only the BouncyCastle peer differs.
 * Transport-agnostic: the owner feeds the datagrams it demultiplexed as DTLS (RFC 7983: first byte
 * 20..63) to {@link #onDatagram} and gives a sender that writes our datagrams to the peer (UDP, or
 * RFC 4571 framing over TCP).
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>{@link #onDatagram} never blocks: it copies the datagram into a bounded queue (full → dropped
 *       and counted) and returns. Call it from the Netty event loop.
 *   <li>BouncyCastle's accept/connect is blocking, so each session runs it on one thread of its own
 *       from the given {@link ThreadFactory} (by default a virtual thread named {@code dtls-N}). That
 *       thread also serves the peer's retransmitted final flight after the handshake (the server's
 *       Finished may be lost), parked on the queue at no CPU cost; as client it retransmits its
 *       flights on BouncyCastle's timers (from 100 ms, doubling, up to the handshake timeout); flights
 *       go out packed into as few datagrams as the MTU allows ({@link QueueDatagramTransport}).
 *   <li>The sender and the {@link Listener} are called on that thread. The sender must not block
 *       (Netty's {@code writeAndFlush} is fine); listeners should hop to their own executor for work.
 *   <li>{@link #close()} is safe from any thread and idempotent; it wakes the session thread, which
 *       ends within milliseconds (after sending close_notify if the handshake had finished).
 *       {@link #awaitTermination} waits for that; never call it on an event loop.
 * </ul>
 *
 * <h2>Outcome</h2>
 * Exactly one of {@link Listener#onHandshakeComplete} or {@link Listener#onFailure} is called, unless
 * the listener throws. Garbage datagrams never throw out of {@link #onDatagram}: BouncyCastle drops
 * records it cannot parse, so pure garbage ends in {@link DtlsFailure.Reason#TIMEOUT}, and a
 * malformed handshake message ends in {@link DtlsFailure.Reason#PROTOCOL_ERROR}. Application data
 * after the handshake (SCTP for data channels) is not supported yet: authenticated (which is reported
 * for liveness, {@link Listener#onAuthenticatedRecord}), then dropped and counted.
 */
public abstract sealed class DtlsSession implements AutoCloseable permits DtlsServerSession, DtlsClientSession {

  /** Handshake events; called on the session thread. */
  public interface Listener {
    void onHandshakeComplete(DtlsResult result);

    void onFailure(DtlsFailure failure);

    /** After a completed handshake, the peer sent close_notify or a fatal alert. */
    default void onClosedByPeer() {
    }

    /**
     * After the handshake, a record that passed DTLS's integrity check arrived (application data, such
     * as SCTP): proof the peer is alive, for consent freshness.
     */
    default void onAuthenticatedRecord() {
    }
  }

  /** Counters since the session started. */
  public record Stats(long datagramsQueued, long droppedNotDtls, long droppedOversize, long droppedQueueFull,
      long droppedApplicationData, long droppedAfterClose) {
  }

  private enum State { HANDSHAKING, ESTABLISHED, ENDED }

  private static final Logger log = LoggerFactory.getLogger(DtlsSession.class);
  static final ThreadFactory DEFAULT_THREADS = Thread.ofVirtual().name("dtls-", 1).factory();
  private static final long POST_HANDSHAKE_POLL_MILLIS = 1_000;

  /**
   * BouncyCastle's lightweight crypto, one for all sessions (thread-safe). Not JcaTlsCrypto on the JDK
   * providers: it asks JCA for "SHA256WITHRSAANDMGF1", which only the BC provider knows, so a client
   * signing its CertificateVerify with RSA-PSS (OpenSSL with an RSA key) failed with internal_error.
   *
   * <p>AES-GCM record ciphers use the basic GHASH multiplier instead of BouncyCastle's default 4 KiB
   * table one: a session keeps its two record ciphers for life (about 10 KiB of tables each, 20 KiB
   * per connected WebRTC peer), yet after the handshake they only ever see an alert or close_notify;
   * SRTP is not encrypted here.
   */
  static final class Crypto {
    static final BcTlsCrypto INSTANCE = new BcTlsCrypto(new SecureRandom()) {
      @Override
      protected org.bouncycastle.crypto.modes.AEADBlockCipher createGCMMode(org.bouncycastle.crypto.BlockCipher cipher) {
        return org.bouncycastle.crypto.modes.GCMBlockCipher.newInstance(cipher,
            new org.bouncycastle.crypto.modes.gcm.BasicGCMMultiplier());
      }
    };
  }

  private final SrtpDtlsEndpoint endpoint;
  private final HandshakeOutcome outcome;
  private final QueueDatagramTransport transport;
  private final Listener listener;
  private final long startNanos;
  private final AtomicBoolean outcomeDelivered = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile State state = State.HANDSHAKING;
  private volatile boolean closeRequested;

  private final LongAdder queued = new LongAdder();
  private final LongAdder droppedNotDtls = new LongAdder();
  private final LongAdder droppedOversize = new LongAdder();
  private final LongAdder droppedQueueFull = new LongAdder();
  private final LongAdder droppedApplicationData = new LongAdder();
  private final LongAdder droppedAfterClose = new LongAdder();
  private final int maxDatagramSize;

  DtlsSession(SrtpDtlsEndpoint endpoint, DtlsConfig config, Consumer<byte[]> sender, Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.startNanos = System.nanoTime();
    this.endpoint = endpoint;
    this.outcome = endpoint.outcome();
    this.transport = new QueueDatagramTransport(config, Objects.requireNonNull(sender, "sender"), startNanos);
    this.maxDatagramSize = config.maxDatagramSize();
  }

  /** Runs {@code session}'s handshake on a thread from {@code threads}. */
  static <S extends DtlsSession> S launch(S session, ThreadFactory threads) {
    DtlsSession base = session; // run() is private: not reachable through the type variable
    Thread thread = threads.newThread(base::run);
    if (thread == null) {
      throw new IllegalStateException("thread factory refused to create the DTLS handshake thread");
    }
    thread.start();
    return session;
  }

  /** Hands one datagram from the peer to the session; never blocks, never throws for bad bytes. */
  public void onDatagram(byte[] datagram) {
    onDatagram(datagram, 0, datagram.length);
  }

  /** As {@link #onDatagram(byte[])} for the buffer's readable bytes; does not release or move {@code buf}. */
  public void onDatagram(ByteBuf buf) {
    if (!admit(buf.readableBytes(), buf.readableBytes() == 0 ? -1 : buf.getUnsignedByte(buf.readerIndex()))) {
      return;
    }
    enqueue(ByteBufUtil.getBytes(buf));
  }

  /** As {@link #onDatagram(byte[])} for {@code length} bytes at {@code offset}; copies them. */
  public void onDatagram(byte[] datagram, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, datagram.length);
    if (!admit(length, length == 0 ? -1 : datagram[offset] & 0xFF)) {
      return;
    }
    byte[] copy = new byte[length];
    System.arraycopy(datagram, offset, copy, 0, length);
    enqueue(copy);
  }

  private boolean admit(int length, int firstByte) {
    if (state == State.ENDED || transport.isClosed()) {
      droppedAfterClose.increment();
      return false;
    }
    if (firstByte < 20 || firstByte > 63) { // RFC 7983 §7: not DTLS (STUN, RTP/RTCP, ZRTP, TURN, empty)
      droppedNotDtls.increment();
      return false;
    }
    if (length > maxDatagramSize) {
      droppedOversize.increment();
      return false;
    }
    // application data (SCTP for data channels, not supported yet) still goes to BouncyCastle: only its
    // record check tells a live peer from a forged record; it is dropped and counted after decryption
    return true;
  }

  private void enqueue(byte[] datagram) {
    if (transport.offer(datagram)) {
      queued.increment();
    } else if (transport.isClosed()) {
      droppedAfterClose.increment();
    } else {
      droppedQueueFull.increment();
    }
  }

  /** True once the handshake finished and until the session ends. */
  public boolean isEstablished() {
    return state == State.ESTABLISHED;
  }

  public Stats stats() {
    return new Stats(queued.sum(), droppedNotDtls.sum(), droppedOversize.sum(), droppedQueueFull.sum(),
        droppedApplicationData.sum(), droppedAfterClose.sum());
  }

  /** Ends the session from any thread; a handshake in progress fails with {@link DtlsFailure.Reason#CLOSED}. */
  @Override
  public void close() {
    if (closeRequested) {
      return;
    }
    closeRequested = true;
    if (state == State.ESTABLISHED) {
      transport.interruptReceive(); // the session thread sends close_notify, then closes the transport
    } else {
      transport.close();
    }
  }

  /** Waits until the session thread has ended; true if it did within {@code timeout}. Blocks: not on an event loop. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void run() {
    try {
      DTLSTransport dtls = endpoint.handshake(transport);
      transport.handshakeFinished();
      DtlsResult result = new DtlsResult(outcome.selectedProfile(), outcome.keyingMaterial(), outcome.peerChain(),
          endpoint.cipherSuite(), Duration.ofNanos(System.nanoTime() - startNanos));
      if (closeRequested) {
        throw new QueueDatagramTransport.ClosedException();
      }
      state = State.ESTABLISHED;
      deliver(() -> listener.onHandshakeComplete(result));
      serveUntilClosed(dtls);
    } catch (IOException | RuntimeException e) {
      if (state == State.HANDSHAKING) {
        DtlsFailure failure = classify(e);
        deliver(() -> listener.onFailure(failure));
      } else if (!closeRequested) {
        notifyClosedByPeer();
      }
    } finally {
      state = State.ENDED;
      transport.close();
      terminated.countDown();
    }
  }

  /**
   * Keeps BouncyCastle reading so it can answer a retransmitted final flight; drops application data.
   * The thread waits for a datagram before it enters BouncyCastle's receive, and only then allocates
   * the receive buffer (dropped again after a quiet poll): an idle session (every connected WebRTC
   * peer, for its whole life) holds no record buffers (2 x 16 KiB while parked inside BouncyCastle).
   */
  private void serveUntilClosed(DTLSTransport dtls) throws IOException {
    byte[] buf = null; // kept while datagrams keep coming, dropped after a quiet poll
    while (!closeRequested && !outcome.connectionClosed()) {
      try {
        if (!transport.awaitDatagram(POST_HANDSHAKE_POLL_MILLIS)) {
          buf = null;
          continue;
        }
        if (buf == null) {
          buf = new byte[dtls.getReceiveLimit()];
        }
        if (dtls.receive(buf, 0, buf.length, (int) POST_HANDSHAKE_POLL_MILLIS) >= 0) {
          droppedApplicationData.increment();
          listener.onAuthenticatedRecord();
        }
      } catch (InterruptedIOException e) {
        // close() woke us up: the loop condition sees closeRequested
      }
    }
    if (closeRequested) {
      dtls.close(); // close_notify to the peer
    } else {
      notifyClosedByPeer();
    }
  }

  private void notifyClosedByPeer() {
    try {
      listener.onClosedByPeer();
    } catch (RuntimeException e) {
      log.warn("DTLS listener threw from onClosedByPeer", e);
    }
  }

  private void deliver(Runnable callback) {
    if (outcomeDelivered.compareAndSet(false, true)) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.warn("DTLS listener threw", e);
      }
    }
  }

  private DtlsFailure classify(Exception e) {
    if (closeRequested) {
      return new DtlsFailure(DtlsFailure.Reason.CLOSED, "closed during the handshake", null);
    }
    if (outcome.failureReason() != null) {
      return new DtlsFailure(outcome.failureReason(), outcome.failureMessage(), e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TlsTimeoutException) {
        return new DtlsFailure(DtlsFailure.Reason.TIMEOUT, "no complete handshake within the timeout", e);
      }
    }
    return switch (e) {
      case TlsFatalAlertReceived r -> new DtlsFailure(DtlsFailure.Reason.PEER_ALERT,
          "peer sent fatal alert " + AlertDescription.getText(r.getAlertDescription()), e);
      case TlsFatalAlert a when a.getAlertDescription() == AlertDescription.internal_error
          && !(a.getCause() instanceof IOException) -> new DtlsFailure(DtlsFailure.Reason.INTERNAL_ERROR,
          "internal error: " + a.getMessage() + (a.getCause() == null ? "" : " (" + a.getCause() + ")"), e);
      case TlsFatalAlert a -> new DtlsFailure(DtlsFailure.Reason.PROTOCOL_ERROR,
          "sent alert " + AlertDescription.getText(a.getAlertDescription())
              + (a.getMessage() == null ? "" : ": " + a.getMessage()), e);
      case IOException io -> new DtlsFailure(DtlsFailure.Reason.PROTOCOL_ERROR, String.valueOf(io.getMessage()), e);
      default -> new DtlsFailure(DtlsFailure.Reason.INTERNAL_ERROR, e.toString(), e);
    };
  }
}
