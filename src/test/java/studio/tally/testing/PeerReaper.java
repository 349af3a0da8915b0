package studio.tally.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes sure no peer outlives its test. Every {@link PeerProcess} registers here. With
 * {@code @ExtendWith(PeerReaper.class)}, peers started inside a test method are killed after it and
 * peers started in {@code @BeforeAll} after the class, even when the test failed or forgot to close
 * them. A JVM shutdown hook kills whatever is still alive at exit (also without the extension).
 */
public final class PeerReaper implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private static final Set<PeerProcess> LIVE = new LinkedHashSet<>();
  private static final Deque<Set<PeerProcess>> SCOPES = new ArrayDeque<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(PeerReaper::killAllNow, "peer-reaper"));
  }

  static void register(PeerProcess peer) {
    synchronized (LIVE) {
      LIVE.add(peer);
      Set<PeerProcess> scope = SCOPES.peek();
      if (scope != null) scope.add(peer);
    }
  }

  static void unregister(PeerProcess peer) {
    synchronized (LIVE) {
      LIVE.remove(peer);
      for (Set<PeerProcess> scope : SCOPES) scope.remove(peer);
    }
  }

  /** Peers started and not yet stopped, in start order. */
  public static List<PeerProcess> live() {
    synchronized (LIVE) {
      return List.copyOf(LIVE);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    openScope();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    openScope();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeScope(context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeScope(context.getDisplayName());
  }

  private static void openScope() {
    synchronized (LIVE) {
      SCOPES.push(new LinkedHashSet<>());
    }
  }

  private static void closeScope(String where) {
    List<PeerProcess> leftovers;
    synchronized (LIVE) {
      Set<PeerProcess> scope = SCOPES.poll();
      leftovers = scope == null ? List.of() : new ArrayList<>(scope);
    }
    for (PeerProcess peer : leftovers.reversed()) {
      if (peer.isAlive()) System.err.println("[peer-reaper] " + where + ": killing leftover " + peer);
      peer.kill();
    }
  }

  private static void killAllNow() {
    List<PeerProcess> all;
    synchronized (LIVE) {
      all = new ArrayList<>(LIVE);
    }
    for (PeerProcess peer : all) {
      peer.kill();
    }
  }
}
