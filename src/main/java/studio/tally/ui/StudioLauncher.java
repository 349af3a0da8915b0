package studio.tally.ui;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * Starts JavaFX from the classpath (this is not an {@code Application} subclass, so no module
 * launcher check applies), opens the studio window and returns when it has closed.
 */
public final class StudioLauncher {
  private final StudioOptions options;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicReference<StudioWindow> window = new AtomicReference<>();
  private volatile boolean closeRequested;

  public StudioLauncher(StudioOptions options) {
    this.options = options;
  }

  /** Blocks until the window is closed; returns the exit code. */
  public int run() {
    Platform.setImplicitExit(false);
    try {
      Platform.startup(this::openWindow);
    } catch (UnsupportedOperationException | IllegalStateException e) {
      // no display, or no usable graphics pipeline: one line, not a stack trace
      System.err.println("tally: cannot open the studio window: " + e.getMessage()
          + " (is a display available? `tally --help` lists the headless commands)");
      return 1;
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Platform.exit();
    return 0;
  }

  private void openWindow() {
    Theme.install();
    StudioWindow w = new StudioWindow(new Stage(), options, closed::countDown);
    window.set(w);
    w.show();
    if (closeRequested) w.close();
  }

  /** SIGTERM/SIGINT: the same clean close as the window's close button. Any thread. */
  public void requestClose() {
    closeRequested = true;
    StudioWindow w = window.get();
    if (w != null) Platform.runLater(w::close);
  }
}
