package studio.tally.live;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the listeners on the caller's executor. Status snapshots coalesce: at most one
 * status delivery waits on the executor at a time and it carries the latest snapshot, so a slow or
 * stuck UI thread never queues up work or slows the engine.
 */
final class StudioEvents {
  private static final Logger log = LoggerFactory.getLogger(StudioEvents.class);

  private final Executor executor;
  private final List<Consumer<StudioEvent>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<StudioStatus> pendingStatus = new AtomicReference<>();
  private StudioStatus lastStatus; // status thread only

  StudioEvents(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "event executor");
  }

  void add(Consumer<StudioEvent> l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
  }

  void remove(Consumer<StudioEvent> l) {
    listeners.remove(l);
  }

  /** Offers a snapshot (from the status thread); sent only when it differs from the last one. */
  void status(StudioStatus s) {
    if (s.equals(lastStatus)) return;
    lastStatus = s;
    if (pendingStatus.getAndSet(s) == null) {
      run(() -> {
        StudioStatus latest = pendingStatus.getAndSet(null);
        if (latest != null) emit(new StudioEvent.StatusChanged(latest));
      });
    }
  }

  void notice(StudioEvent.Severity severity, String message) {
    log.info("studio: {}", message);
    post(new StudioEvent.Notice(severity, message));
  }

  void post(StudioEvent e) {
    run(() -> emit(e));
  }

  private void run(Runnable r) {
    try {
      executor.execute(r);
    } catch (RuntimeException ex) {
      pendingStatus.set(null);
      log.debug("event not delivered: {}", ex.toString());
    }
  }

  private void emit(StudioEvent e) {
    for (Consumer<StudioEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("studio listener failed on {}: {}", e.getClass().getSimpleName(), ex.toString());
      }
    }
  }
}
