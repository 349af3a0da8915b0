package studio.tally.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javafx.application.Platform;
import javafx.stage.Stage;

/** Starts JavaFX, opens the Player window on the given streams and returns when it has closed (`tally play`). */
public final class PlayerLauncher {
  private final List<String> urls;
  private final String tlsFingerprint;
  private final boolean insecureTls;
  private final Path snapshotDir;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile PlayerWindow window;

  public PlayerLauncher(List<String> urls, String tlsFingerprint, boolean insecureTls, Path snapshotDir) {
    this.urls = List.copyOf(urls);
    this.tlsFingerprint = tlsFingerprint;
    this.insecureTls = insecureTls;
    this.snapshotDir = snapshotDir;
  }

  /**
   * Blocks until the window is closed; returns 0.
   *
   * @throws WindowUnavailableException when no window can open here
   */
  public int run() {
    String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
    if (os.contains("linux") && blank(System.getenv("DISPLAY")) && blank(System.getenv("WAYLAND_DISPLAY"))) {
      throw new WindowUnavailableException("cannot open the player window: no display (DISPLAY is not set); "
          + "`tally probe` plays headless");
    }
    Platform.setImplicitExit(false);
    FxExecutor fx = new FxExecutor();
    try {
      Platform.startup(() -> {
        fx.start();
        Theme.install();
        PlayerWindow w = new PlayerWindow(new Stage(), fx, snapshotDir, closed::countDown);
        w.setTls(tlsFingerprint, insecureTls);
        urls.forEach(w::open);
        window = w;
        w.show();
      });
    } catch (UnsupportedOperationException | IllegalStateException e) {
      throw new WindowUnavailableException("cannot open the player window: " + e.getMessage());
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Platform.exit();
    return 0;
  }

  /** Any thread: closes the window (SIGTERM). */
  public void requestClose() {
    PlayerWindow w = window;
    if (w == null) closed.countDown();
    else Platform.runLater(w::close);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
