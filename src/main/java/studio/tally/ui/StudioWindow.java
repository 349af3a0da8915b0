package studio.tally.ui;

import java.lang.management.ManagementFactory;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.StudioSettings;

/**
 * The studio window, OBS style: sources on the left, the preview in the middle, controls and
 * destinations on the right, the audio mixer under the preview, the status bar at the bottom.
 */
final class StudioWindow {
  static final String TITLE = "Tally Studio";
  private static final Logger LOG = LoggerFactory.getLogger(StudioWindow.class);
  private long firstFrameNanos;

  private final Stage stage;
  private final StudioOptions options;
  private final Runnable onClosed;
  private final StudioModel model;
  private final PreviewSurface surface;
  private final PreviewPane preview;

  StudioWindow(Stage stage, StudioOptions options, Runnable onClosed) {
    this(stage, options, new StudioModel(Platform::runLater), new PreviewSurface(Platform::runLater), onClosed);
  }

  /** With a model (and its preview surface) that may already be opening the engine. */
  StudioWindow(Stage stage, StudioOptions options, StudioModel model, PreviewSurface surface, Runnable onClosed) {
    this.stage = stage;
    this.options = options;
    this.onClosed = onClosed;
    this.model = model;
    this.surface = surface;
    this.preview = new PreviewPane(surface);
    stage.setTitle(TITLE);
    var icon = StudioWindow.class.getResourceAsStream("tally-icon.png");
    if (icon != null) stage.getIcons().add(new Image(icon));
    Scene scene = new Scene(createView(), 1280, 800);
    Theme.style(scene);
    stage.setScene(scene);
    stage.setMinWidth(960);
    stage.setMinHeight(600);
    stage.setOnCloseRequest(e -> {
      e.consume(); // closing takes a moment: stop streaming, finish the recording, stop the server
      close();
    });
    initListeners();
  }

  StudioModel model() {
    return model;
  }

  PreviewSurface surface() {
    return surface;
  }

  Stage stage() {
    return stage;
  }

  /** Shows the window and opens the engine (unless {@link #showOpening} is used). */
  void show() {
    showOpening();
    model.open(options, previewListener(surface));
  }

  static studio.tally.live.PreviewListener previewListener(PreviewSurface surface) {
    return (w, h, argb, pts) -> surface.offer(w, h, argb);
  }

  /** Shows the window for a model whose engine is already opening. */
  void showOpening() {
    stage.show();
    surface.onFirstFrame(() -> {
      firstFrameNanos = System.nanoTime();
      // cold start as a user sees it: from JVM start to the first composed picture on screen; the CPU
      // time the process spent until then is what a busy machine cannot hide (benchmarks compare it too)
      LOG.info("first preview frame {} ms after start, {} ms of CPU",
          System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime(),
          ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L));
    });
  }

  /** Closes cleanly (engine off the FX thread, bounded), then hides the window. */
  void close() {
    if (firstFrameNanos != 0) {
      double seconds = (System.nanoTime() - firstFrameNanos) / 1e9;
      long shown = surface.framesShownProperty().get();
      LOG.info("preview: {} frames shown in {} s ({} fps), {} dropped while the FX thread was busy", shown,
          String.format("%.1f", seconds), String.format("%.1f", seconds > 0 ? (shown - 1) / seconds : 0), surface.framesDropped());
    }
    stage.setTitle(TITLE + " — stopping…");
    model.close(() -> {
      stage.hide();
      onClosed.run();
    });
  }

  private BorderPane createView() {
    SourcesView sources = new SourcesView(model);
    sources.selectedVideoSource().addListener((o, a, b) -> showPip());
    ControlsView controls = new ControlsView(model, stage);
    DestinationsView destinations = new DestinationsView(model, stage);
    MixerView mixer = new MixerView(model);

    VBox left = new VBox(8, sources.view());
    left.setPrefWidth(230);
    VBox.setVgrow(sources.view(), Priority.ALWAYS);

    VBox right = new VBox(8, controls.view(), destinations.view());
    right.setPrefWidth(280);
    VBox.setVgrow(destinations.view(), Priority.ALWAYS);

    VBox centre = new VBox(8, preview, mixer.view());
    VBox.setVgrow(preview, Priority.ALWAYS);
    HBox.setHgrow(centre, Priority.ALWAYS);

    HBox body = new HBox(8, left, centre, right);
    body.setPadding(new Insets(8));
    VBox.setVgrow(body, Priority.ALWAYS);

    BorderPane root = new BorderPane(body);
    root.getStyleClass().add("studio-root");
    root.setTop(new NoticeBar(model).view());
    root.setBottom(new StatusBarView(model).view());
    preview.setOnPlaced(model::setPlacement);
    this.sourcesView = sources;
    return root;
  }

  private SourcesView sourcesView;

  private void initListeners() {
    model.settingsProperty().addListener((o, a, s) -> {
      if (s != null) preview.setAspect((double) s.video().width() / s.video().height());
      showPip();
    });
  }

  /**
   * The draggable frame follows the selected video source; with none selected, the first source
   * that is not full-frame (the camera picture-in-picture).
   */
  private void showPip() {
    StudioSettings s = model.settingsProperty().get();
    if (s == null) return;
    String selected = sourcesView.selectedVideoSource().get();
    SceneSource pick = null;
    for (SceneSource src : s.scene()) {
      if (!src.kind().isVideo()) continue;
      if (src.id().equals(selected)) {
        pick = src;
        break;
      }
      if (pick == null && !Placement.FULL.equals(src.placement())) pick = src;
    }
    preview.showPlacement(pick == null ? null : pick.id(), pick == null ? null : pick.placement());
  }
}
