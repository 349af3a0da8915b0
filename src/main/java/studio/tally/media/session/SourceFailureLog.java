package studio.tally.media.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.SourceFailure;

/** Every source failure of a session, logged once, kept, and passed to the listener if there is one. */
final class SourceFailureLog implements Consumer<SourceFailure> {
  private static final Logger LOG = LoggerFactory.getLogger(SourceFailureLog.class);

  private final CopyOnWriteArrayList<SourceFailure> failures = new CopyOnWriteArrayList<>();
  private volatile Consumer<SourceFailure> listener;

  /** Scene thread. A listener that throws is logged, never allowed to stop the scene. */
  @Override
  public void accept(SourceFailure f) {
    failures.add(f);
    LOG.warn("{}", f.message());
    Consumer<SourceFailure> l = listener;
    if (l == null) return;
    try {
      l.accept(f);
    } catch (RuntimeException e) {
      LOG.warn("source failure listener failed: {}", e.toString());
    }
  }

  void listen(Consumer<SourceFailure> newListener) {
    listener = newListener;
  }

  List<SourceFailure> all() {
    return List.copyOf(failures);
  }
}
