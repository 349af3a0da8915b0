package studio.tally.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.config.Destination;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.media.AudioLevel;
import studio.tally.media.EncoderChoice;
import studio.tally.media.MediaException;
import studio.tally.media.PcmBlocks;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.record.Recorder;
import studio.tally.output.FanOut;
import studio.tally.output.OutputLoops;

/**
 * The studio's state behind {@link Studio}. Every command runs on one command thread, so the
 * state needs no locks; the status thread only reads volatile fields and thread-safe objects.
 */
final class StudioEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StudioEngine.class);
  private static final long CLOSE_MILLIS = 15_000;
  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH-mm-ss");

  interface Command {
    void run() throws Exception;
  }

  private final Path profileDir;
  private final SettingsStore store;
  private final StudioEvents events;
  private final Executor eventExecutor;
  private final ServerApi serverApi = new ServerApi();
  private final ExecutorService commands =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("tally-studio").daemon().factory());
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tally-studio-status").daemon().factory());
  private final OutputLoops publisherLoops = OutputLoops.start("tally-studio-out");
  private final SessionClock clock = SessionClock.start(Clock.systemUTC());
  private final ProcessMeter processMeter = new ProcessMeter();
  private final Map<String, DestinationLink> links = new ConcurrentHashMap<>();
  private volatile List<AvailableDevice> devices;

  private volatile StudioSettings settings;
  private volatile StudioScene scene;
  private volatile EmbeddedServer server;
  private volatile CompletableFuture<Void> serverStart = CompletableFuture.completedFuture(null);
  private static final long SERVER_START_MILLIS = 20_000;
  // opened by the preview's first picture, by the first command that needs the server, or after this long
  private final CompletableFuture<Void> serverGate = new CompletableFuture<>();
  private static final long SERVER_DEFER_MILLIS = 3_000;
  private volatile PreviewListener preview;
  // more listeners of the preview's pictures (a call sending the scene); they get them while the preview runs
  private final List<PreviewListener> sceneTaps = new java.util.concurrent.CopyOnWriteArrayList<>();
  // copies of the mixed audio (a call sending the scene); they follow the scene through rebuilds
  private final List<PcmBlocks> mixTaps = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int previewWidth;
  private volatile int previewHeight;
  // the shared encode: non-null while streaming or recording
  private volatile FanOut fanOut;
  private volatile EncodeMeter meter;
  private volatile long encodeStartNanos;
  private volatile String encoderName;
  private volatile String encoderFallback;
  private boolean rebuildAfterEncode;
  // streaming
  private volatile boolean streaming;
  private volatile long streamStartNanos;
  // recording
  private volatile RebasedSink recordingSink;
  private volatile Recorder recorder;
  private volatile long recordStartNanos;
  private volatile Path recordingFile;
  private volatile String recordingProblem;
  private volatile boolean closed;

  private StudioEngine(StudioSettings settings, Path profileDir, Executor events) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.profileDir = profileDir;
    this.store = profileDir == null ? null : SettingsStore.at(profileDir);
    this.events = new StudioEvents(events);
    this.eventExecutor = events;
  }

  static StudioEngine open(StudioSettings settings, Path profileDir, Executor eventExecutor) {
    StudioEngine e = new StudioEngine(settings, profileDir, eventExecutor);
    // The server starts on its own thread, after the preview's first picture: its TLS, BouncyCastle and
    // Netty set-up takes most of a second of CPU, which on two cores delayed that picture (Studio.open
    // took 2.2-3.6 s with the two in sequence; side by side they still shared the cores). It shows as
    // starting meanwhile; commands that need it open the gate at once and wait for it.
    e.server = EmbeddedServer.starting(settings.server());
    if (settings.server().enabled()) {
      e.serverStart = e.serverGate.completeOnTimeout(null, SERVER_DEFER_MILLIS, TimeUnit.MILLISECONDS)
          .thenRunAsync(e::startServer, r -> Thread.ofPlatform().name("tally-studio-server-start").daemon().start(r));
    }
    try {
      e.scene = e.openScene();
    } catch (RuntimeException ex) {
      e.close();
      throw ex instanceof MediaException ? new StudioException("the scene could not start: " + ex.getMessage(), ex) : ex;
    }
    for (SceneSource s : settings.scene()) {
      String p = e.scene.problem(s.id());
      if (p != null) e.notice(StudioEvent.Severity.WARNING, s.kind().wireName() + " source cannot open: " + p);
    }
    e.command(e::save);
    e.ticker.scheduleAtFixedRate(e::tick, 0, 250, TimeUnit.MILLISECONDS);
    return e;
  }

  /** Waits (bounded) for the server start begun in open; streaming, settings and close need it settled. */
  private void awaitServer() {
    serverGate.complete(null);
    try {
      serverStart.get(SERVER_START_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException ex) {
      log.warn("embedded server start not settled: {}", ex.toString());
    }
  }

  private void startServer() {
    if (closed) return; // closed before the gate opened: nothing to start
    server = EmbeddedServer.start(settings.server(), profileDir == null ? null : profileDir.resolve("server"));
    if (server.status().state() == ServerStatus.State.FAILED) {
      notice(StudioEvent.Severity.WARNING, "embedded server: " + server.status().problem());
    }
  }

  private StudioScene openScene() {
    return StudioScene.open(clock, settings.video(), settings.scene(), this::devices,
        (id, message) -> notice(StudioEvent.Severity.WARNING, message));
  }

  private List<AvailableDevice> devices() {
    if (devices == null) devices = FirstRun.devices();
    return devices;
  }

  CompletableFuture<Void> command(Command c) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new StudioException("the studio is closed"));
      return done;
    }
    try {
      commands.execute(() -> {
        try {
          c.run();
          done.complete(null);
        } catch (StudioException e) {
          done.completeExceptionally(e);
        } catch (MediaException | IllegalArgumentException | IllegalStateException e) {
          done.completeExceptionally(new StudioException(e.getMessage(), e));
        } catch (Throwable e) {
          log.warn("studio command failed", e);
          done.completeExceptionally(new StudioException("unexpected: " + e, e));
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(new StudioException("the studio is closed"));
    }
    return done;
  }

  void addListener(Consumer<StudioEvent> l) {
    events.add(l);
  }

  void removeListener(Consumer<StudioEvent> l) {
    events.remove(l);
  }

  StudioSettings settings() {
    return settings;
  }

  // ---- streaming and recording ----

  void startStreaming() {
    awaitServer(); // the local destination publishes to it
    if (streaming) return;
    List<Destination> enabled = settings.destinations().stream().filter(Destination::enabled).toList();
    if (enabled.isEmpty()) throw new StudioException("no destination is enabled: enable or add one first");
    startEncoding();
    streaming = true;
    streamStartNanos = System.nanoTime();
    enabled.forEach(this::attach);
  }

  void stopStreaming() {
    if (!streaming) return;
    for (String id : List.copyOf(links.keySet())) detach(id);
    streaming = false;
    stopEncodingWhenIdle();
  }

  void startRecording() {
    if (recorder != null) return;
    Path folder = settings.recording().folderPath();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new StudioException("cannot create the recording folder " + folder + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null || e.getMessage().equals(folder.toString()) ? "" : ": " + e.getMessage()) + ")", e);
    }
    String ext = settings.recording().format();
    String base = "Tally " + LocalDateTime.now().format(FILE_TIME);
    Path file = folder.resolve(base + "." + ext);
    for (int n = 2; Files.exists(file); n++) file = folder.resolve(base + " (" + n + ")." + ext);
    startEncoding();
    Recorder r;
    try {
      r = new Recorder(file);
    } catch (RuntimeException e) {
      stopEncodingWhenIdle();
      throw e;
    }
    recorder = r;
    recordingFile = file;
    recordingProblem = null;
    recordStartNanos = System.nanoTime();
    recordingSink = new RebasedSink(r, why -> {
      recordingProblem = "the recording stopped: " + why;
      notice(StudioEvent.Severity.ERROR, recordingProblem);
    });
    fanOut.add(recordingSink);
  }

  void stopRecording() {
    Recorder r = recorder;
    if (r == null) return;
    fanOut.remove(recordingSink);
    try {
      r.close(); // MP4: the faststart remux happens here
    } catch (RuntimeException e) {
      recordingProblem = "the recording could not be finished: " + e.getMessage();
      notice(StudioEvent.Severity.ERROR, recordingProblem);
    }
    recorder = null;
    recordingSink = null;
    stopEncodingWhenIdle();
  }

  private void startEncoding() {
    if (fanOut != null) return;
    var v = settings.video();
    EncodeMeter m = new EncodeMeter();
    FanOut f = new FanOut(List.of(m));
    // never B-frames (WebRTC receivers take none, and RTMP players lose nothing by it); with a WHIP
    // destination on, main profile as `tally publish` does: browsers' decoders take constrained baseline or main
    boolean webRtc = settings.destinations().stream().anyMatch(d -> d.enabled() && d.webRtc());
    EncoderSettings es = new EncoderSettings(v.encoder(), "h264", v.bitrateKbps(), v.keyframeIntervalSeconds(), null,
        webRtc ? "main" : null, 0, 0);
    EncoderChoice choice;
    try {
      choice = scene.session().startEncoding(es, f);
    } catch (MediaException e) {
      throw new StudioException("the encoder could not start: " + e.getMessage(), e);
    }
    encoderName = choice.used();
    encoderFallback = choice.fellBack() ? choice.message() : null;
    if (encoderFallback != null) notice(StudioEvent.Severity.WARNING, encoderFallback);
    meter = m;
    encodeStartNanos = System.nanoTime();
    fanOut = f;
  }

  private void stopEncodingWhenIdle() {
    if (streaming || recorder != null || fanOut == null) return;
    scene.session().stopEncoding();
    fanOut = null;
    meter = null;
    if (rebuildAfterEncode) {
      rebuildAfterEncode = false;
      rebuildScene();
    }
  }

  private void attach(Destination d) {
    DestinationLink link = DestinationLink.open(d, publisherLoops, this::requestKeyframe,
        why -> notice(StudioEvent.Severity.ERROR, d.name() + ": " + why));
    links.put(d.id(), link);
    if (link.publisher() != null) fanOut.add(link.publisher());
  }

  /** Any thread (a WHIP server's PLI arrives on its event loop): the next video frame is a keyframe. */
  private void requestKeyframe() {
    try {
      if (fanOut != null) scene.session().requestKeyframe();
    } catch (RuntimeException e) {
      log.debug("keyframe not requested: {}", e.toString());
    }
  }

  private void detach(String id) {
    DestinationLink link = links.remove(id);
    if (link == null) return;
    if (link.publisher() != null && fanOut != null) fanOut.remove(link.publisher());
    link.close();
  }

  // ---- destinations ----

  void putDestination(Destination d) {
    Objects.requireNonNull(d, "destination");
    settings = settings.withDestination(d);
    if (streaming) {
      detach(d.id());
      if (d.enabled()) attach(d);
    }
    saveAndAnnounce();
  }

  void removeDestination(String id) {
    settings.destination(id); // unknown ids fail with the id
    detach(id);
    settings = settings.withoutDestination(id);
    saveAndAnnounce();
  }

  void setDestinationEnabled(String id, boolean on) {
    putDestination(settings.destination(id).withEnabled(on));
  }

  // ---- scene ----

  void addSource(SceneSource s) {
    Objects.requireNonNull(s, "source");
    settings = settings.withSource(s);
    scene.add(s);
    String problem = scene.problem(s.id());
    if (problem != null) notice(StudioEvent.Severity.WARNING, s.kind().wireName() + " source cannot open: " + problem);
    saveAndAnnounce();
  }

  void removeSource(String id) {
    settings.source(id);
    scene.remove(id);
    settings = settings.withoutSource(id);
    saveAndAnnounce();
  }

  void setPlacement(String id, Placement p) {
    Objects.requireNonNull(p, "placement");
    if (!settings.source(id).kind().isVideo()) throw new StudioException("source " + id + " is audio: it has no placement");
    settings = settings.editSource(id, s -> s.withPlacement(p));
    scene.setPlacement(id, p);
    saveAndAnnounce();
  }

  void setGain(String id, double db) {
    if (settings.source(id).kind().isVideo()) throw new StudioException("source " + id + " is video: it has no gain");
    settings = settings.editSource(id, s -> s.withGain(db));
    scene.setGain(id, db);
    saveAndAnnounce();
  }

  void setMuted(String id, boolean muted) {
    if (settings.source(id).kind().isVideo()) throw new StudioException("source " + id + " is video: it cannot be muted");
    settings = settings.editSource(id, s -> s.withMuted(muted));
    scene.setMuted(id, muted);
    saveAndAnnounce();
  }

  void setPreview(PreviewListener listener, int width, int height) {
    if (listener != null && (width < 2 || height < 2)) {
      throw new StudioException("preview size " + width + "x" + height + " is too small");
    }
    preview = listener;
    previewWidth = width;
    previewHeight = height;
    applyPreview(scene);
  }

  private void applyPreview(StudioScene s) {
    PreviewListener l = preview;
    if (l == null) s.session().setPreview(null, 0, 0);
    else s.session().setPreview(f -> {
      l.onFrame(f.width(), f.height(), f.pixels(), f.ptsMicros());
      serverGate.complete(null);
      for (PreviewListener t : sceneTaps) t.onFrame(f.width(), f.height(), f.pixels().duplicate(), f.ptsMicros());
    }, previewWidth, previewHeight);
  }

  void addSceneTap(PreviewListener tap) {
    sceneTaps.add(Objects.requireNonNull(tap, "tap"));
  }

  void removeSceneTap(PreviewListener tap) {
    sceneTaps.remove(tap);
  }

  /** Any thread: the scene's mixed audio from now on, also after a rebuild (synchronized with {@link #rebuildScene}). */
  synchronized void addMixTap(PcmBlocks tap) {
    mixTaps.add(Objects.requireNonNull(tap, "tap"));
    StudioScene s = scene;
    if (s != null) s.session().addMixTap(tap);
  }

  synchronized void removeMixTap(PcmBlocks tap) {
    mixTaps.remove(tap);
    StudioScene s = scene;
    if (s != null) s.session().removeMixTap(tap);
  }

  void applySettings(StudioSettings s) {
    Objects.requireNonNull(s, "settings");
    StudioSettings old = settings;
    settings = old.withVideo(s.video()).withRecording(s.recording()).withServer(s.server());
    if (!s.server().equals(old.server())) {
      awaitServer();
      server.close();
      server = EmbeddedServer.start(s.server(), profileDir == null ? null : profileDir.resolve("server"));
      if (server.status().state() == ServerStatus.State.FAILED) {
        notice(StudioEvent.Severity.WARNING, "embedded server: " + server.status().problem());
      }
      Destination local = settings.destinations().stream().filter(d -> d.id().equals(Destination.LOCAL_ID)).findFirst().orElse(null);
      if (streaming && local != null && local.enabled()) {
        detach(local.id());
        attach(local);
      }
    }
    if (!s.video().equals(old.video())) {
      if (fanOut != null) {
        rebuildAfterEncode = true;
        notice(StudioEvent.Severity.INFO, "the new video settings apply when streaming and recording have stopped");
      } else {
        rebuildScene();
      }
    }
    saveAndAnnounce();
  }

  private void rebuildScene() {
    StudioScene old = scene;
    old.close();
    StudioScene now = openScene();
    synchronized (this) {
      scene = now;
      for (PcmBlocks tap : mixTaps) now.session().addMixTap(tap);
    }
    applyPreview(scene);
  }

  // ---- the Server panel ----

  /**
   * Reads the server's API every second on the status thread (asynchronously: a read still under
   * way when the next second comes is not doubled) and hands each snapshot to listener on the event
   * executor; the first one at once.
   */
  AutoCloseable watchServer(Consumer<ServerSnapshot> listener) {
    java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable read = () -> {
      if (stopped.get() || !reading.compareAndSet(false, true)) return;
      serverApi.read(server).whenComplete((snap, e) -> {
        reading.set(false);
        if (snap != null && !stopped.get()) {
          eventExecutor.execute(() -> {
            if (!stopped.get()) listener.accept(snap);
          });
        }
      });
    };
    java.util.concurrent.ScheduledFuture<?> task;
    try {
      task = ticker.scheduleWithFixedDelay(read, 0, 1, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return () -> { }; // closed: nothing to watch
    }
    return () -> {
      stopped.set(true);
      task.cancel(false);
    };
  }

  /** Kicks a client of the embedded server through its API (the SRS {@code DELETE /api/v1/clients/<id>}). */
  CompletableFuture<Void> kickClient(String clientId) {
    return serverApi.kick(server, Objects.requireNonNull(clientId, "client id"));
  }

  // ---- status and events ----

  StudioStatus status() {
    StudioScene sc = scene;
    MediaSession.Stats stats = null;
    List<AudioLevel> levels = List.of();
    try {
      if (fanOut != null) stats = sc.session().stats();
      levels = sc.session().audioLevels();
    } catch (RuntimeException e) {
      // the scene is being rebuilt or closed: no meters in this snapshot
    }
    List<SourceStatus> sources = new ArrayList<>();
    for (SceneSource s : settings.scene()) {
      AudioLevel l = sc.level(s.id(), levels).orElse(AudioLevel.silent(-1));
      sources.add(new SourceStatus(s, sc.problem(s.id()), l.peakDb(), l.rmsDb()));
    }
    List<DestinationStatus> ds = new ArrayList<>();
    for (Destination d : settings.destinations()) {
      DestinationLink link = links.get(d.id());
      if (link != null) ds.add(link.status());
      else ds.add(new DestinationStatus(d.id(), d.name(), d.enabled() ? DestinationStatus.State.IDLE
          : DestinationStatus.State.DISABLED, 0, null, 0, 0));
    }
    Path file = recordingFile;
    long size = 0;
    try {
      if (file != null && Files.exists(file)) size = Files.size(file);
    } catch (IOException ignored) {
      // being replaced by the faststart remux right now
    }
    long now = System.nanoTime();
    EncodeMeter m = meter;
    return new StudioStatus(streaming, recorder != null, streaming ? (now - streamStartNanos) / 1_000_000 : 0,
        recorder != null ? (now - recordStartNanos) / 1_000_000 : 0, m == null ? 0 : m.kbps(), m == null ? 0 : m.fps(),
        stats == null ? 0 : stats.dropped(), processMeter.cpuPercent(), processMeter.memoryBytes(), encoderName,
        encoderFallback, ds, new RecordingStatus(file, size, recorder != null, recordingProblem), server.status(), sources);
  }

  /** Every 250 ms, on the status thread. */
  private void tick() {
    try {
      scene.reportPassingProblems((id, message) -> notice(StudioEvent.Severity.WARNING, message));
      events.status(status());
    } catch (RuntimeException e) {
      log.debug("status not sent: {}", e.toString());
    }
  }

  private void notice(StudioEvent.Severity severity, String message) {
    events.notice(severity, message);
  }

  private void saveAndAnnounce() {
    save();
    events.post(new StudioEvent.SettingsChanged(settings));
  }

  private void save() {
    if (store == null) return;
    try {
      store.save(settings);
    } catch (IOException e) {
      notice(StudioEvent.Severity.WARNING, "settings could not be saved to " + store.file() + ": " + e.getMessage());
    }
  }

  // ---- close ----

  /** Streaming, then the recording, then the server, then the scene; bounded by CLOSE_MILLIS. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    ticker.shutdownNow();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      commands.execute(() -> {
        step("stop streaming", this::stopStreaming);
        step("finish the recording", this::stopRecording);
        step("stop encoding", () -> {
          if (fanOut != null) scene.session().stopEncoding();
        });
        step("stop the server", () -> {
          awaitServer();
          if (server != null) server.close();
        });
        step("close the scene", () -> {
          if (scene != null) scene.close();
        });
        done.complete(null);
      });
      done.get(CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("studio did not close within {} ms; leaving the rest to the exit", CLOSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("studio close: {}", e.toString());
    }
    commands.shutdownNow();
    serverApi.close();
    publisherLoops.close();
    try {
      commands.awaitTermination(2, TimeUnit.SECONDS);
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void step(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("studio close: could not {}: {}", what, e.toString());
    }
  }
}
