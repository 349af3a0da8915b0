package studio.tally.webrtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * The blocking {@link DatagramTransport} BouncyCastle wants, fed by a bounded queue: the owner's I/O
 * thread {@link #offer}s datagrams without blocking; the handshake thread {@link #receive}s them.
 * Until {@link #handshakeFinished()} every receive is also bounded by the handshake deadline, so a
 * silent or garbage-sending peer ends in a {@link TlsTimeoutException} whatever BouncyCastle does
 * with its own timers. {@link #close()} wakes a blocked receive, which then throws {@link ClosedException}.
 *
 * <h2>Flights</h2>
 * During the handshake BouncyCastle writes a flight as one record per message and then waits to
 * receive. Those records are packed here into as few datagrams as the MTU allows, sent when it
 * starts waiting (one lost datagram then loses the whole flight or nothing of it: a pion version
 * failed when only the ServerHello of a flight was lost). Retransmissions stay BouncyCastle's (they
 * need fresh record sequence numbers: a byte-for-byte repeat is a replay the peer drops), on the
 * endpoints' {@link #INITIAL_RESEND_MILLIS} first timer, doubling, capped at 60 s by BouncyCastle;
 * they are packed the same way.
 */
final class QueueDatagramTransport implements DatagramTransport {

  /** Thrown by receive/send once the transport is closed. */
  static final class ClosedException extends IOException {
    ClosedException() {
      super("DTLS session closed");
    }
  }

  private static final byte[] WAKE_UP = new byte[0];
  private static final byte ALERT = 21;
  private static final byte APPLICATION_DATA = 23;
  private static final long IDLE_POLL_MILLIS = 1_000;
  /**
   * First retransmission of an unanswered flight, doubling after (SRS retransmits within ~50 ms;
   * RFC 6347's 1 s start is for the open Internet, and four lost ClientHellos then cost 15 s).
   */
  static final int INITIAL_RESEND_MILLIS = 100;

  private final BlockingQueue<byte[]> queue;
  private final Consumer<byte[]> sender;
  private final int sendLimit;
  private final int receiveLimit;
  private volatile long deadlineNanos;
  private volatile boolean closed;
  private volatile boolean interruptRequested;
  // handshake thread only
  private final java.io.ByteArrayOutputStream packing = new java.io.ByteArrayOutputStream();
  /** A datagram {@link #awaitDatagram} took from the queue; the next {@link #receive} returns it first. */
  private byte[] pending;
  private long datagramsSent;

  QueueDatagramTransport(DtlsConfig config, Consumer<byte[]> sender, long startNanos) {
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.sender = sender;
    this.sendLimit = config.mtu();
    this.receiveLimit = config.maxDatagramSize();
    this.deadlineNanos = startNanos + config.handshakeTimeout().toNanos();
  }

  /** Never blocks; false when the queue is full or the transport closed (the datagram is dropped). */
  boolean offer(byte[] datagram) {
    return !closed && queue.offer(datagram);
  }

  /**
   * After the handshake only close() ends a receive; retransmitted flights are still served. Sends
   * the last flight (as server: ChangeCipherSpec and Finished) and stops retransmitting.
   */
  void handshakeFinished() throws IOException {
    deadlineNanos = Long.MAX_VALUE;
    flushPacked();
  }

  /** Datagrams sent so far (packed flights, retransmissions, records after the handshake). */
  long datagramsSent() {
    return datagramsSent;
  }

  /**
   * Makes a blocked receive throw {@link InterruptedIOException}: BouncyCastle's record layer passes
   * that through without failing the connection (any other IOException would be fatal, and a -1 would
   * only make it wait out the rest of its timer), so the reader can still send close_notify.
   */
  void interruptReceive() {
    interruptRequested = true;
    if (!queue.offer(WAKE_UP)) {
      queue.clear(); // full of datagrams nobody will read: make room for the wake-up
      queue.offer(WAKE_UP);
    }
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Waits up to {@code millis} for a datagram (or a wake-up from {@link #close()} or
   * {@link #interruptReceive()}) without handing it to BouncyCastle yet; the next {@link #receive}
   * returns it. True if one is waiting. After the handshake the session thread parks here instead of
   * inside BouncyCastle's receive, which holds a {@link #getReceiveLimit()}-sized record buffer for as
   * long as it waits: 16 KiB per idle WebRTC peer, plus the caller's own buffer of the same size.
   */
  boolean awaitDatagram(long millis) throws InterruptedIOException {
    if (pending == null) {
      try {
        pending = queue.poll(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = new InterruptedIOException("DTLS session thread interrupted");
        interrupted.initCause(e);
        throw interrupted;
      }
    }
    return pending != null;
  }

  @Override
  public int getReceiveLimit() {
    return receiveLimit;
  }

  @Override
  public int getSendLimit() {
    return sendLimit;
  }

  @Override
  public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
    checkOpen();
    flushPacked(); // BouncyCastle waits for the peer: its flight (or retransmission) is complete
    long now = System.nanoTime();
    long untilDeadline = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - now;
    if (untilDeadline <= 0) {
      throw new TlsTimeoutException("DTLS handshake timed out");
    }
    // waitMillis <= 0 means "no limit" for a socket transport; we still wake up to re-check the deadline
    long waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis > 0 ? waitMillis : IDLE_POLL_MILLIS);
    byte[] datagram = pending;
    pending = null;
    try {
      if (datagram == null) {
        datagram = queue.poll(Math.min(waitNanos, untilDeadline), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("DTLS handshake thread interrupted");
      interrupted.initCause(e);
      throw interrupted;
    }
    checkOpen();
    if (interruptRequested) {
      throw new InterruptedIOException("receive interrupted to close the session");
    }
    if (datagram == null || datagram == WAKE_UP) {
      return -1; // BouncyCastle's "nothing within waitMillis": it runs its retransmit timer and asks again
    }
    int n = Math.min(len, datagram.length);
    System.arraycopy(datagram, 0, buf, off, n);
    return n;
  }

  @Override
  public void send(byte[] buf, int off, int len) throws IOException {
    checkOpen();
    if (len > 0 && (buf[off] == ALERT || buf[off] == APPLICATION_DATA)) {
      flushPacked(); // at once: a fatal alert or close_notify is the last thing sent (no receive flushes it)
      emit(Arrays.copyOfRange(buf, off, off + len));
      return;
    }
    if (packing.size() > 0 && packing.size() + len > sendLimit) {
      flushPacked();
    }
    packing.write(buf, off, len);
  }

  /** Sends the records packed so far as one datagram; true if there were any. */
  private boolean flushPacked() throws IOException {
    if (packing.size() == 0) {
      return false;
    }
    byte[] datagram = packing.toByteArray();
    packing.reset();
    emit(datagram);
    return true;
  }

  private void emit(byte[] datagram) throws IOException {
    try {
      sender.accept(datagram);
      datagramsSent++;
    } catch (RuntimeException e) {
      throw new IOException("sending a DTLS datagram failed: " + e, e);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      queue.clear();
      queue.offer(WAKE_UP);
    }
  }

  private void checkOpen() throws ClosedException {
    if (closed) {
      throw new ClosedException();
    }
  }
}
