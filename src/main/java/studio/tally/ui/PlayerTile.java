package studio.tally.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.util.Duration;
import javax.imageio.ImageIO;
import studio.tally.live.Playback;

/**
 * One stream in the Player window: its picture (a {@link PreviewSurface}, so a busy FX thread
 * drops pictures on screen, never in the player's counts), the QA figures as an overlay that can
 * be toggled (the names of `tally probe --json`), a snapshot to PNG and the equivalent
 * {@code tally probe} command to the clipboard.
 */
final class PlayerTile extends BorderPane {
  private final Executor fx;
  private final Path snapshotDir;
  private final Consumer<PlayerTile> onClose;
  private final PreviewSurface surface;
  private final Label title = new Label();
  private final Label status = new Label("connecting…");
  private final Label stats = new Label();
  private final ToggleButton statsToggle = new ToggleButton("Stats");
  private final Timeline refresh;
  private volatile Playback playback;
  private volatile boolean stopped;

  PlayerTile(Executor fx, Path snapshotDir, Consumer<PlayerTile> onClose) {
    this.fx = fx;
    this.snapshotDir = snapshotDir;
    this.onClose = onClose;
    this.surface = new PreviewSurface(fx);
    getStyleClass().add("player-tile");
    var view = surface.view();
    view.setFitWidth(480);
    view.setFitHeight(270);
    stats.getStyleClass().add("player-stats");
    stats.setStyle("-fx-font-family: monospace; -fx-font-size: 10px; -fx-background-color: rgba(0,0,0,0.6);"
        + " -fx-text-fill: white; -fx-padding: 4;");
    stats.visibleProperty().bind(statsToggle.selectedProperty());
    statsToggle.setSelected(true);
    StackPane picture = new StackPane(view, stats);
    picture.setMinSize(320, 180);
    picture.setStyle("-fx-background-color: black;");
    StackPane.setAlignment(stats, Pos.TOP_LEFT);
    Button snapshot = new Button("Snapshot");
    snapshot.setOnAction(e -> snapshot());
    Button copy = new Button("Copy as tally probe command");
    copy.setOnAction(e -> copyProbeCommand());
    Button close = new Button("Close");
    close.setOnAction(e -> {
      stop();
      onClose.accept(this);
    });
    HBox buttons = new HBox(6, statsToggle, snapshot, copy, close);
    buttons.setAlignment(Pos.CENTER_LEFT);
    setTop(title);
    setCenter(picture);
    setBottom(new javafx.scene.layout.VBox(4, buttons, status));
    setPadding(new Insets(4));
    refresh = new Timeline(new KeyFrame(Duration.millis(500), e -> showFigures()));
    refresh.setCycleCount(Timeline.INDEFINITE);
  }

  /** FX thread: starts playing off the FX thread (opening a TLS trust store reads files). */
  void play(String url, String pin, boolean insecure) {
    title.setText(url);
    CompletableFuture.supplyAsync(() -> Playback.open(url, pin, insecure,
            (w, h, argb, pts) -> surface.offer(w, h, argb), reason -> fx.execute(() -> status.setText("stopped: " + reason))))
        .whenComplete((p, error) -> fx.execute(() -> {
          if (error != null) {
            status.setText("cannot play: " + (error.getCause() == null ? error : error.getCause()).getMessage());
            return;
          }
          if (stopped) {
            p.close();
            return;
          }
          playback = p;
          status.setText("playing");
          refresh.play();
        }));
  }

  /** The figures now, or empty before the player has started. */
  Map<String, String> figures() {
    Playback p = playback;
    return p == null ? Map.of() : p.figures();
  }

  long framesShown() {
    return surface.framesShownProperty().get();
  }

  String statsText() {
    return stats.getText();
  }

  String statusText() {
    return status.getText();
  }

  private void showFigures() {
    Map<String, String> f = figures();
    stats.setText(f.entrySet().stream().map(e -> e.getKey() + "  " + e.getValue()).collect(Collectors.joining("\n")));
  }

  void copyProbeCommand() {
    Playback p = playback;
    if (p == null) return;
    ClipboardContent content = new ClipboardContent();
    content.putString(p.probeCommand());
    javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
    status.setText("copied: " + p.probeCommand());
  }

  /** FX thread: reads the picture on screen, writes it as PNG off the FX thread; the future gives the file. */
  CompletableFuture<Path> snapshot() {
    Image image = surface.view().getImage();
    if (image == null) {
      status.setText("no picture yet");
      return CompletableFuture.failedFuture(new IllegalStateException("no picture yet"));
    }
    int w = (int) image.getWidth();
    int h = (int) image.getHeight();
    int[] argb = new int[w * h];
    image.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
    String name = "tally-snapshot-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".png";
    Path file = snapshotDir.resolve(name);
    return CompletableFuture.supplyAsync(() -> {
      BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      out.setRGB(0, 0, w, h, argb, 0, w);
      try {
        Files.createDirectories(snapshotDir);
        ImageIO.write(out, "png", file.toFile());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return file;
    }).whenComplete((f, error) -> fx.execute(() -> status.setText(error == null ? "snapshot: " + f
        : "snapshot failed: " + error.getMessage())));
  }

  /** Stops the player and the overlay refresh. */
  void stop() {
    stopped = true;
    refresh.stop();
    Playback p = playback;
    playback = null;
    if (p != null) CompletableFuture.runAsync(p::close); // joins its decode thread: not on the FX thread
  }
}
