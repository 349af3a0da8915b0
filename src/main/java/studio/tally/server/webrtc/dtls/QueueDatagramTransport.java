package studio.tally.server.webrtc.dtls;

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
 */
final class QueueDatagramTransport implements DatagramTransport {

  /** Thrown by receive/send once the transport is closed. */
  static final class ClosedException extends IOException {
    ClosedException() {
      super("DTLS session closed");
    }
  }

  private static final byte[] WAKE_UP = new byte[0];
  private static final long IDLE_POLL_MILLIS = 1_000;

  private final BlockingQueue<byte[]> queue;
  private final Consumer<byte[]> sender;
  private final int sendLimit;
  private final int receiveLimit;
  private volatile long deadlineNanos;
  private volatile boolean closed;
  private volatile boolean interruptRequested;

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

  /** After the handshake only close() ends a receive; retransmitted flights are still served. */
  void handshakeFinished() {
    deadlineNanos = Long.MAX_VALUE;
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
    long now = System.nanoTime();
    long untilDeadline = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - now;
    checkOpen();
    if (untilDeadline <= 0) {
      throw new TlsTimeoutException("DTLS handshake timed out");
    }
    // waitMillis <= 0 means "no limit" for a socket transport; we still wake up to re-check the deadline
    long waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis > 0 ? waitMillis : IDLE_POLL_MILLIS);
    byte[] datagram;
    try {
      datagram = queue.poll(Math.min(waitNanos, untilDeadline), TimeUnit.NANOSECONDS);
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
    try {
      sender.accept(Arrays.copyOfRange(buf, off, off + len));
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
