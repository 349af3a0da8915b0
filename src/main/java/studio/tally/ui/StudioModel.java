package studio.tally.ui;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.config.Destination;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.live.AvailableDevice;
import studio.tally.live.EncoderChoice;
import studio.tally.live.PreviewListener;
import studio.tally.live.Studio;
import studio.tally.live.StudioEvent;
import studio.tally.live.StudioException;
import studio.tally.live.StudioStatus;

/**
 * The window's view-model: read-only properties the views bind to, and commands they call. All
 * engine work runs off the FX thread (a worker thread for the blocking calls, the engine's own
 * command thread for the rest); results and events come back through one FX executor. Every
 * property is read and written on the FX thread only.
 */
final class StudioModel {
  private static final Logger LOG = LoggerFactory.getLogger(StudioModel.class);
  /** How long closing may take before the window exits anyway (the engine bounds its own steps). */
  static final Duration CLOSE_LIMIT = Duration.ofSeconds(15);
  static final Duration BEFORE_CLOSE_LIMIT = Duration.ofSeconds(5);

  enum Phase { STARTING, READY, FAILED, CLOSING, CLOSED }

  /** A message for the streamer, shown inline. */
  record Notice(StudioEvent.Severity severity, String message) {}

  private final Executor fx;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().name("studio-ui-worker").daemon(true).factory());
  private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(this, "phase", Phase.STARTING);
  private final ReadOnlyObjectWrapper<StudioStatus> status = new ReadOnlyObjectWrapper<>(this, "status");
  private final ReadOnlyObjectWrapper<StudioSettings> settings = new ReadOnlyObjectWrapper<>(this, "settings");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ObservableList<Notice> notices = FXCollections.observableArrayList();
  private final BooleanBinding streaming = Bindings.createBooleanBinding(
      () -> status.get() != null && status.get().streaming(), status);
  private final BooleanBinding recording = Bindings.createBooleanBinding(
      () -> status.get() != null && status.get().recording(), status);
  private volatile Studio studio;
  private final List<Supplier<CompletableFuture<?>>> beforeClose = new java.util.ArrayList<>(); // FX thread
  private volatile PreviewListener preview;
  private volatile int[] previewSize;
  private CompletableFuture<List<AvailableDevice>> devices;
  private CompletableFuture<List<EncoderChoice>> encoders;

  StudioModel(Executor fx) {
    this.fx = fx;
  }

  /**
   * FX thread: {@code step} runs first when the studio closes (on the FX thread), and the engine
   * closes once its future completes (at most {@link #BEFORE_CLOSE_LIMIT}): a call hangs up while the
   * studio's server still carries its {@code leave}.
   */
  void beforeClose(Supplier<CompletableFuture<?>> step) {
    beforeClose.add(step);
  }

  void removeBeforeClose(Supplier<CompletableFuture<?>> step) {
    beforeClose.remove(step);
  }

  /** The engine once open, else null (a call sends its scene). */
  Studio studio() {
    return studio;
  }

  ReadOnlyObjectProperty<Phase> phaseProperty() {
    return phase.getReadOnlyProperty();
  }

  /** The latest engine snapshot; null until the studio is open. */
  ReadOnlyObjectProperty<StudioStatus> statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** The settings as the engine has them (edits included); null until the studio is open. */
  ReadOnlyObjectProperty<StudioSettings> settingsProperty() {
    return settings.getReadOnlyProperty();
  }

  /** A start/stop command is running (the control buttons wait for it). */
  ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  BooleanBinding streamingProperty() {
    return streaming;
  }

  BooleanBinding recordingProperty() {
    return recording;
  }

  /** Newest last; the view shows the newest and lets the streamer dismiss it. */
  ObservableList<Notice> notices() {
    return FXCollections.unmodifiableObservableList(notices);
  }

  /** A problem the window itself found (bad input in a form). */
  void report(String message) {
    notify(StudioEvent.Severity.ERROR, message);
  }

  void dismiss(Notice n) {
    notices.remove(n);
  }

  /**
   * Loads the settings (first run: what this machine can capture), opens the engine and starts the
   * preview — on the worker thread; the phase turns READY or FAILED on the FX thread.
   */
  CompletableFuture<Void> open(StudioOptions options, PreviewListener preview) {
    return CompletableFuture.runAsync(() -> {
      SettingsStore store = options.profileDir() != null ? SettingsStore.at(options.profileDir()) : SettingsStore.platform();
      SettingsStore.Loaded loaded = store.load(Studio::firstRunSettings);
      if (loaded.firstRun()) saveQuietly(store, loaded.settings());
      long t0 = System.nanoTime();
      Studio s = Studio.open(loaded.settings(), store.dir(), fx);
      LOG.info("studio engine open in {} ms", (System.nanoTime() - t0) / 1_000_000);
      studio = s;
      s.addListener(this::onEvent);
      StudioSettings current = s.settings();
      this.preview = preview;
      startPreview(s, current);
      StudioStatus first = s.status();
      fx.execute(() -> {
        settings.set(current);
        status.set(first);
        if (loaded.problem() != null) notify(StudioEvent.Severity.WARNING, loaded.problem());
        phase.set(Phase.READY);
        if (options.startStreaming()) toggleStreaming();
        if (options.startRecording()) toggleRecording();
      });
    }, worker).whenComplete((v, e) -> {
      if (e != null) {
        fx.execute(() -> {
          notify(StudioEvent.Severity.ERROR, "The studio could not start: " + readable(e));
          phase.set(Phase.FAILED);
        });
      }
    });
  }

  /**
   * Preview size: at most 1280 wide, width a multiple of 32 and height even, at the output's
   * aspect ratio. The multiple of 32 keeps rows aligned for the media layer's scaler: a 426-wide
   * ARGB preview once corrupted the native heap there ("double free" when the preview thread ended;
   * media now scales into a padded frame, and this stays as a cheap guard).
   */
  static int[] previewSize(int width, int height) {
    int w = Math.max(32, Math.min(1280, width) & ~31);
    int h = Math.max(2, (int) Math.round((double) height * w / width) & ~1);
    return new int[] {w, h};
  }

  private static void saveQuietly(SettingsStore store, StudioSettings s) {
    try {
      store.save(s);
    } catch (java.io.IOException e) {
      LOG.warn("first-run settings not saved: {}", e.getMessage());
    }
  }

  /** Starts (or resizes) the preview at {@link #previewSize} of the output; a refusal becomes a notice. */
  private void startPreview(Studio s, StudioSettings current) {
    int[] size = previewSize(current.video().width(), current.video().height());
    previewSize = size;
    s.setPreview(preview, size[0], size[1]).whenComplete((v, e) -> {
      if (e != null) fx.execute(() -> notify(StudioEvent.Severity.ERROR, "The preview could not start: " + readable(e)));
    });
  }

  private void onEvent(StudioEvent e) {
    switch (e) {
      case StudioEvent.StatusChanged c -> status.set(c.status());
      case StudioEvent.SettingsChanged c -> {
        settings.set(c.settings());
        // a new output size: the preview follows it (the engine keeps the old preview size otherwise)
        Studio s = studio;
        int[] want = previewSize(c.settings().video().width(), c.settings().video().height());
        if (s != null && preview != null && previewSize != null && !java.util.Arrays.equals(want, previewSize)) {
          startPreview(s, c.settings());
        }
      }
      case StudioEvent.Notice n -> notify(n.severity(), n.message());
    }
  }

  private void notify(StudioEvent.Severity severity, String message) {
    notices.add(new Notice(severity, message));
    if (notices.size() > 20) notices.remove(0);
  }

  // ---- commands (FX thread) ----

  void toggleStreaming() {
    Studio s = studio;
    if (s == null || busy.get()) return;
    run(streaming.get() ? s::stopStreaming : s::startStreaming, true);
  }

  void toggleRecording() {
    Studio s = studio;
    if (s == null || busy.get()) return;
    run(recording.get() ? s::stopRecording : s::startRecording, true);
  }

  void addSource(SceneSource source) {
    if (studio != null) run(() -> studio.addSource(source), false);
  }

  void removeSource(String id) {
    if (studio != null) run(() -> studio.removeSource(id), false);
  }

  void setPlacement(String id, Placement p) {
    if (studio != null) run(() -> studio.setPlacement(id, p), false);
  }

  void setGain(String id, double db) {
    if (studio != null) run(() -> studio.setGain(id, db), false);
  }

  void setMuted(String id, boolean muted) {
    if (studio != null) run(() -> studio.setMuted(id, muted), false);
  }

  void putDestination(Destination d) {
    if (studio != null) run(() -> studio.putDestination(d), false);
  }

  void removeDestination(String id) {
    if (studio != null) run(() -> studio.removeDestination(id), false);
  }

  void setDestinationEnabled(String id, boolean on) {
    if (studio != null) run(() -> studio.setDestinationEnabled(id, on), false);
  }

  /**
   * The embedded server's snapshot about once a second, on the FX thread, until the handle is
   * closed; the engine reads the server's API off the FX thread. Before the studio is open: nothing.
   */
  AutoCloseable watchServer(java.util.function.Consumer<studio.tally.live.ServerSnapshot> listener) {
    Studio s = studio;
    return s == null ? () -> { } : s.watchServer(listener);
  }

  /** Kicks a client of the embedded server; a refusal becomes a notice. */
  void kickClient(String clientId) {
    if (studio != null) run(() -> studio.kickClient(clientId), false);
  }

  void applySettings(StudioSettings s) {
    if (studio != null) run(() -> studio.applySettings(s), false);
  }

  /** The capture devices (probed once, off the FX thread); completes on the FX thread. */
  CompletableFuture<List<AvailableDevice>> devices() {
    if (devices == null || devices.isCompletedExceptionally()) devices = CompletableFuture.supplyAsync(Studio::devices, worker);
    return onFx(devices);
  }

  /** The sound server's microphones and monitors as listed now (asked each time); completes on the FX thread. */
  CompletableFuture<List<AvailableDevice>> audioDevices() {
    return onFx(CompletableFuture.supplyAsync(Studio::audioDevices, worker));
  }

  /** The screens as they are now (asked each time); completes on the FX thread. */
  CompletableFuture<List<AvailableDevice>> screens() {
    return onFx(CompletableFuture.supplyAsync(Studio::screens, worker));
  }

  /** The encoders with why each one is or is not usable (probed once); completes on the FX thread. */
  CompletableFuture<List<EncoderChoice>> encoders() {
    if (encoders == null || encoders.isCompletedExceptionally()) encoders = CompletableFuture.supplyAsync(Studio::encoders, worker);
    return onFx(encoders);
  }

  private <T> CompletableFuture<T> onFx(CompletableFuture<T> f) {
    return f.whenCompleteAsync((v, e) -> {
      if (e != null) notify(StudioEvent.Severity.ERROR, readable(e));
    }, fx);
  }

  private void run(Supplier<CompletableFuture<Void>> command, boolean blocksControls) {
    if (blocksControls) busy.set(true);
    CompletableFuture<Void> f;
    try {
      f = command.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((v, e) -> {
      // a fresh snapshot (made here, off the FX thread) so the buttons flip at once
      Studio s = studio;
      StudioStatus snapshot = null;
      try {
        if (s != null) snapshot = s.status();
      } catch (RuntimeException ignored) {
        // closing: the next status event (if any) will do
      }
      StudioStatus now = snapshot;
      fx.execute(() -> {
        if (blocksControls) busy.set(false);
        if (e != null) notify(StudioEvent.Severity.ERROR, readable(e));
        if (now != null) status.set(now);
      });
    });
  }

  /** A failure in words: the engine's own message (meant for streamers), else the plain reason. */
  static String readable(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (!(t instanceof StudioException)) LOG.debug("command failed", t);
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase() : m;
  }

  /**
   * Stops streaming, finishes the recording, stops the server (the engine does it in that order) on
   * a thread of its own, bounded by {@link #CLOSE_LIMIT}; {@code done} then runs on the FX thread.
   */
  void close(Runnable done) {
    if (phase.get() == Phase.CLOSING || phase.get() == Phase.CLOSED) return;
    phase.set(Phase.CLOSING);
    List<CompletableFuture<?>> first = beforeClose.stream().<CompletableFuture<?>>map(Supplier::get).toList();
    Thread.ofPlatform().name("studio-ui-close").daemon(true).start(() -> {
      try {
        CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(BEFORE_CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.info("closing: a window's own close did not finish: {}", e.toString()); // the engine closes all the same
      }
      closeEngine();
      fx.execute(() -> {
        phase.set(Phase.CLOSED);
        done.run();
      });
    });
  }

  /** The same close when JavaFX never started (no display): {@code done} runs on the closing thread. */
  void closeOffFx(Runnable done) {
    Thread.ofPlatform().name("studio-ui-close").daemon(true).start(() -> {
      closeEngine();
      done.run();
    });
  }

  private void closeEngine() {
    // an open still in flight finishes first, so its engine is closed too (on a starved machine an
    // open took 16 s: give it twice the close bound)
    worker.shutdown();
    try {
      if (!worker.awaitTermination(2 * CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("the studio was still opening after {} s; exiting without closing it", 2 * CLOSE_LIMIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Studio s = studio;
    if (s == null) return;
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close,
        r -> Thread.ofPlatform().name("studio-close").daemon(true).start(r));
    try {
      closing.get(CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("the studio did not stop within {} s; exiting anyway", CLOSE_LIMIT.toSeconds());
    } catch (ExecutionException e) {
      LOG.warn("closing the studio: {}", readable(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
