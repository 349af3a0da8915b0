package studio.tally.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.application.Platform;

/**
 * The one way work reaches the FX thread: {@code Platform.runLater}, except that work offered before
 * the toolkit is up is held and run, in order, once {@link #start} is called on the FX thread. This
 * lets the engine open while JavaFX starts, instead of after it.
 */
final class FxExecutor implements Executor {
  private final List<Runnable> early = new ArrayList<>();
  private boolean started;

  @Override
  public void execute(Runnable r) {
    synchronized (early) {
      if (!started) {
        early.add(r);
        return;
      }
    }
    Platform.runLater(r);
  }

  /** On the FX thread, once: runs what was held, then hands everything to runLater. */
  void start() {
    List<Runnable> held;
    synchronized (early) {
      started = true;
      held = List.copyOf(early);
      early.clear();
    }
    held.forEach(Runnable::run);
  }
}
