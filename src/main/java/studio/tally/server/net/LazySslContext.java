package studio.tally.server.net;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * The server's TLS context (the JDK's own {@link SSLContext}), built when the first TLS client arrives,
 * on a thread of its own (never an event loop). Building it starts the JDK's TLS stack: ~450 classes
 * and a few MiB of a server's memory that a server nobody reaches over TLS (HTTPS, RTMPS, WSS) never
 * needs. The first TLS connection waits for it (its reads are paused, nothing is lost); later ones
 * find it built.
 */
public final class LazySslContext {
  private final Callable<SSLContext> build;
  private volatile CompletableFuture<SSLContext> context;

  public LazySslContext(Callable<SSLContext> build) {
    this.build = Objects.requireNonNull(build, "build");
  }

  /** A context that is already built (tests, or a caller that built it for another reason). */
  public static LazySslContext of(SSLContext built) {
    LazySslContext lazy = new LazySslContext(() -> built);
    lazy.context = CompletableFuture.completedFuture(built);
    return lazy;
  }

  /** The context, building it on first call; completes exceptionally if it cannot be built. */
  public CompletableFuture<SSLContext> get() {
    CompletableFuture<SSLContext> c = context;
    if (c == null) {
      synchronized (this) {
        c = context;
        if (c == null) {
          CompletableFuture<SSLContext> f = new CompletableFuture<>();
          context = c = f;
          Thread.ofVirtual().name("tally-tls-setup").start(() -> {
            try {
              f.complete(build.call());
            } catch (Throwable e) {
              f.completeExceptionally(e);
            }
          });
        }
      }
    }
    return c;
  }

  /** Whether {@link #get} has been called (the context is built or being built). */
  public boolean started() {
    return context != null;
  }
}
