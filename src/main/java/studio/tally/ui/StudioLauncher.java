package studio.tally.ui;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts JavaFX from the classpath (this is not an {@code Application} subclass, so no module
 * launcher check applies), opens the studio window and returns when it has closed.
 */
public final class StudioLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(StudioLauncher.class);
  private final StudioOptions options;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicReference<StudioWindow> window = new AtomicReference<>();
  private volatile boolean closeRequested;

  public StudioLauncher(StudioOptions options) {
    this.options = options;
  }

  /**
   * Blocks until the window is closed; returns the exit code.
   *
   * @throws WindowUnavailableException when no window can open here
   */
  public int run() {
    if (isLinux() && blank(System.getenv("DISPLAY")) && blank(System.getenv("WAYLAND_DISPLAY"))) {
      throw new WindowUnavailableException("cannot open the studio window: no display (DISPLAY is not set); "
          + "`tally --help` lists the headless commands");
    }
    if (isLinux()) requireGtk();
    Platform.setImplicitExit(false);
    // the engine opens (settings, server, scene) while JavaFX starts; its results wait for the FX thread
    FxExecutor fx = new FxExecutor();
    StudioModel model = new StudioModel(fx);
    PreviewSurface surface = new PreviewSurface(fx);
    model.open(options, StudioWindow.previewListener(surface));
    try {
      Platform.startup(() -> {
        LOG.info("JavaFX up {} ms after start", System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
        fx.start();
        openWindow(model, surface);
      });
    } catch (UnsupportedOperationException | IllegalStateException e) {
      // no display, or no usable graphics pipeline: one line, not a stack trace
      closeWithoutWindow(model);
      throw new WindowUnavailableException("cannot open the studio window: " + e.getMessage()
          + " (is a display available? `tally --help` lists the headless commands)");
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Platform.exit();
    return 0;
  }

  private void openWindow(StudioModel model, PreviewSurface surface) {
    Theme.install();
    StudioWindow w = new StudioWindow(new Stage(), options, model, surface, closed::countDown);
    window.set(w);
    w.showOpening();
    if (closeRequested) w.close();
  }

  /** No FX thread: close the engine that started opening, with the same bound, then return. */
  private static void closeWithoutWindow(StudioModel model) {
    CountDownLatch done = new CountDownLatch(1);
    model.closeOffFx(done::countDown);
    try {
      done.await(StudioModel.CLOSE_LIMIT.toSeconds() * 4, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * JavaFX's window toolkit on Linux is GTK 3. Without it JavaFX fails deep inside its startup
   * ("Unable to load glass GTK library"), after the engine and server have started: say what is
   * missing, and the package that brings it, before anything starts.
   */
  private static void requireGtk() {
    try {
      // the global arena keeps it loaded: JavaFX's own dlopen moments later then costs nothing
      java.lang.foreign.SymbolLookup.libraryLookup(GTK_LIBRARY, java.lang.foreign.Arena.global());
    } catch (IllegalArgumentException | IllegalCallerException e) {
      throw new WindowUnavailableException("cannot open the studio window: " + GTK_LIBRARY + " (GTK 3) cannot be loaded;"
          + " install it (Debian/Ubuntu: sudo apt-get install libgtk-3-0, Fedora: sudo dnf install gtk3);"
          + " `tally --help` lists the headless commands, which do not need it");
    }
  }

  private static final String GTK_LIBRARY = "libgtk-3.so.0";

  private static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** SIGTERM/SIGINT: the same clean close as the window's close button. Any thread. */
  public void requestClose() {
    closeRequested = true;
    StudioWindow w = window.get();
    if (w != null) Platform.runLater(w::close);
  }
}
