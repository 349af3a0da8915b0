package studio.tally.live;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import studio.tally.config.Destination;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.StudioSettings;
import studio.tally.media.PcmBlocks;

/**
 * The headless studio: one per window. Owns the scene (preview runs from {@link #open} on), one
 * encode shared by streaming and recording, the destinations, the recorder and the embedded server.
 *
 * <p>Threads: every command runs on the studio's own command thread and returns a future that
 * completes when it is done (or fails with a {@link StudioException} whose message a streamer can
 * read); nothing here blocks the caller, so the FX thread may call anything but {@link #open},
 * the static probes and {@link #close}. Events go to listeners on the executor given to
 * {@link #open} (the UI passes {@code Platform::runLater}); status events are coalesced to a few
 * per second and a slow listener never slows the engine.
 *
 * <p>Every edit is applied to the running scene/outputs, to {@link #settings()}, and saved to
 * {@code settings.json} in the profile dir (when one was given).
 */
public final class Studio implements AutoCloseable {

  private final StudioEngine engine;

  private Studio(StudioEngine engine) {
    this.engine = engine;
  }

  /**
   * Builds the scene from {@code settings} (a source that cannot open is reported in
   * {@link StudioStatus#sources()} and replaced by nothing; when no video source opens, the test
   * pattern stands in so the stream is never empty) and starts the preview. The embedded server,
   * when enabled, starts meanwhile on the engine's command thread: the status says
   * {@link ServerStatus.State#STARTING}, then RUNNING, or FAILED with "port 1935 is in use" and a
   * suggested free port (the studio works on without it). Commands given after open run after the
   * server start. Blocks for about a second (devices): call it off the FX thread.
   *
   * @param profileDir where settings.json is saved and the server keeps its TLS certificate; null =
   *     do not save (tests)
   * @param eventExecutor runs listener calls, e.g. {@code Platform::runLater}
   */
  public static Studio open(StudioSettings settings, Path profileDir, Executor eventExecutor) {
    return new Studio(StudioEngine.open(settings, profileDir, eventExecutor));
  }

  /**
   * First-run settings for this machine: the primary screen, the default camera as
   * picture-in-picture and the default microphone, each where {@link #devices()} says it opens;
   * where nothing can be captured, the test pattern and the tone. Probes devices: off the FX thread.
   */
  public static StudioSettings firstRunSettings() {
    return FirstRun.settings(devices());
  }

  /** The capture devices of this machine, each tried (a few hundred ms per device). */
  public static List<AvailableDevice> devices() {
    return FirstRun.devices();
  }

  /**
   * The sound server's microphones and desktop-audio monitors as it lists them now, without opening
   * any: cheap enough to ask each time a menu opens (a device plugged in meanwhile is there). Off the
   * FX thread all the same (it talks to the sound server).
   */
  public static List<AvailableDevice> audioDevices() {
    return FirstRun.audioDevices();
  }

  /**
   * The screens as they are now (an X display started or ended while the studio runs is there or
   * gone), each probed: asked each time the + menu opens. Off the FX thread.
   */
  public static List<AvailableDevice> screens() {
    return FirstRun.screens();
  }

  /** The H.264 encoders the settings can pick, probed (usable or why not). Off the FX thread. */
  public static List<EncoderChoice> encoders() {
    return FirstRun.encoders();
  }

  /** Listens to events (status, settings, notices) on the event executor. */
  public void addListener(Consumer<StudioEvent> listener) {
    engine.addListener(listener);
  }

  public void removeListener(Consumer<StudioEvent> listener) {
    engine.removeListener(listener);
  }

  /** The current settings (edits included). */
  public StudioSettings settings() {
    return engine.settings();
  }

  /** A snapshot now (the same thing status events carry). */
  public StudioStatus status() {
    return engine.status();
  }

  /**
   * The composed scene scaled to width x height, at the scene's frame rate, to {@code listener}
   * on the media preview thread; null stops the preview. It survives scene rebuilds (a new video
   * size). Fails (the future) for a size the media layer refuses.
   */
  public CompletableFuture<Void> setPreview(PreviewListener listener, int width, int height) {
    return engine.command(() -> engine.setPreview(listener, width, height));
  }

  /**
   * Also hands the preview's pictures (same size, thread and contract as {@link #setPreview}) to
   * {@code tap}, while the preview runs: a call sends the scene this way without a second scaler.
   * The tap must copy and return at once (it runs before the next picture of the window's preview).
   */
  public void addSceneTap(PreviewListener tap) {
    engine.addSceneTap(tap);
  }

  public void removeSceneTap(PreviewListener tap) {
    engine.removeSceneTap(tap);
  }

  /**
   * Copies the scene's mixed audio (what the stream and the recording get: every source after its gain
   * and mute) into {@code tap} from now on, across scene rebuilds, on the media scene thread (a copy that
   * never waits for the reader); a call drains it in 10 ms blocks.
   */
  void addMixTap(PcmBlocks tap) {
    engine.addMixTap(tap);
  }

  void removeMixTap(PcmBlocks tap) {
    engine.removeMixTap(tap);
  }

  /**
   * Starts publishing to every enabled destination (starting the encode if recording does not
   * already run it). Completes once the encoder runs; destinations connect on their own and report
   * through the status. Fails when the encoder cannot start or no destination is enabled.
   */
  public CompletableFuture<Void> startStreaming() {
    return engine.command(engine::startStreaming);
  }

  /** Stops publishing (the encode stops too unless recording). */
  public CompletableFuture<Void> stopStreaming() {
    return engine.command(engine::stopStreaming);
  }

  /**
   * Starts recording into the recording folder ({@code Tally yyyy-MM-dd HH-mm-ss.mp4|mkv}); MP4 is
   * fragmented while recording and made faststart on stop. Shares the encode with streaming.
   */
  public CompletableFuture<Void> startRecording() {
    return engine.command(engine::startRecording);
  }

  /** Finishes the recording (completes when the file is final). */
  public CompletableFuture<Void> stopRecording() {
    return engine.command(engine::stopRecording);
  }

  /** Adds a source on top of the scene. Completes with the problem in the status if it cannot open. */
  public CompletableFuture<Void> addSource(SceneSource source) {
    return engine.command(() -> engine.addSource(source));
  }

  public CompletableFuture<Void> removeSource(String sourceId) {
    return engine.command(() -> engine.removeSource(sourceId));
  }

  /** Moves/resizes a video source (PiP drag); unknown id or an audio source fails. */
  public CompletableFuture<Void> setPlacement(String sourceId, Placement placement) {
    return engine.command(() -> engine.setPlacement(sourceId, placement));
  }

  /** Audio gain in dB (-60..30). */
  public CompletableFuture<Void> setGain(String sourceId, double gainDb) {
    return engine.command(() -> engine.setGain(sourceId, gainDb));
  }

  public CompletableFuture<Void> setMuted(String sourceId, boolean muted) {
    return engine.command(() -> engine.setMuted(sourceId, muted));
  }

  /**
   * Adds a destination, or replaces the one with the same id. While streaming, an enabled one
   * joins at the next keyframe; a replaced one reconnects with its new URL/key.
   */
  public CompletableFuture<Void> putDestination(Destination destination) {
    return engine.command(() -> engine.putDestination(destination));
  }

  /** Removes a destination (disconnecting it first when live). */
  public CompletableFuture<Void> removeDestination(String destinationId) {
    return engine.command(() -> engine.removeDestination(destinationId));
  }

  /** Enables/disables a destination; while streaming it joins at the next keyframe or leaves. */
  public CompletableFuture<Void> setDestinationEnabled(String destinationId, boolean enabled) {
    return engine.command(() -> engine.setDestinationEnabled(destinationId, enabled));
  }

  /**
   * Applies the video, recording and server parts of {@code settings} (destinations and scene
   * go through their own commands). Video changes take effect at the next start of the encode
   * (while live they are kept and reported by a notice); server changes restart the server.
   */
  public CompletableFuture<Void> applySettings(StudioSettings settings) {
    return engine.command(() -> engine.applySettings(settings));
  }

  /**
   * The embedded server for the Server panel: a {@link ServerSnapshot} (listeners, TLS fingerprint,
   * streams and clients from its status API, or why it is not running) about once a second, the first
   * at once, to {@code listener} on the event executor, until the returned handle is closed. The API
   * is read asynchronously off the caller's thread; this returns at once.
   */
  public AutoCloseable watchServer(Consumer<ServerSnapshot> listener) {
    return engine.watchServer(listener);
  }

  /**
   * Disconnects a publisher or player of the embedded server ({@code DELETE /api/v1/clients/<id>});
   * fails with the server's reason, e.g. "no client with id …". Never blocks.
   */
  public CompletableFuture<Void> kickClient(String clientId) {
    return engine.kickClient(clientId);
  }

  /**
   * Stops streaming, finishes the recording, stops the server, closes the scene — in that order,
   * within a few seconds at most. Idempotent. Call it off the FX thread.
   */
  @Override
  public void close() {
    engine.close();
  }
}
