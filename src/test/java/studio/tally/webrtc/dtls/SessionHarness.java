package studio.tally.webrtc.dtls;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records a session's callbacks and the threads it started, for assertions. */
final class SessionHarness implements DtlsServerSession.Listener {

  final CompletableFuture<DtlsResult> result = new CompletableFuture<>();
  final CompletableFuture<DtlsFailure> failure = new CompletableFuture<>();
  final CountDownLatch closedByPeer = new CountDownLatch(1);
  final AtomicInteger outcomes = new AtomicInteger();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
  final ThreadFactory threadFactory = r -> {
    Thread t = Thread.ofVirtual().name("dtls-test-" + threads.size()).unstarted(r);
    threads.add(t);
    return t;
  };

  @Override
  public void onHandshakeComplete(DtlsResult r) {
    outcomes.incrementAndGet();
    result.complete(r);
    failure.complete(null);
  }

  @Override
  public void onFailure(DtlsFailure f) {
    outcomes.incrementAndGet();
    failure.complete(f);
    result.complete(null);
  }

  final AtomicInteger authenticatedRecords = new AtomicInteger();

  @Override
  public void onAuthenticatedRecord() {
    authenticatedRecords.incrementAndGet();
  }

  @Override
  public void onClosedByPeer() {
    closedByPeer.countDown();
  }

  DtlsResult awaitResult() throws Exception {
    DtlsResult r = result.get(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("handshake failed: " + failure.getNow(null), failure.getNow(null).cause());
    }
    return r;
  }

  DtlsFailure awaitFailure() throws Exception {
    DtlsFailure f = failure.get(10, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("handshake unexpectedly succeeded: " + result.getNow(null));
    }
    return f;
  }

  /** True when every thread the session started has ended within the timeout. */
  boolean threadsEnded(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(Duration.ofNanos(left))) {
        return false;
      }
    }
    return !threads.isEmpty();
  }
}
