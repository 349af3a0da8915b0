package studio.tally.media.session;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.LiveScene;
import studio.tally.media.scene.SceneCompositor;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.AudioLevel;
import studio.tally.media.EncoderChoice;
import studio.tally.media.PacketSink;
import studio.tally.media.PcmBlocks;
import studio.tally.media.PreviewSink;
import studio.tally.media.SourceFailure;

/**
 * capture → scene → (preview, meters) → encode on demand → {@link PacketSink}. The scene thread
 * ticks at the output frame rate (sampling every video source once per tick, draining audio up to
 * the tick, composing with a {@link LiveScene} that can change while it runs); each encoding has an
 * encode thread of its own, started and stopped while the scene keeps running; the preview has its
 * own thread too. Frames cross between them as native AVFrame references — never copied.
 * A real-time clock paces the ticks (a late scene skips ticks and counts them as dropped); a
 * virtual clock runs flat out (benchmarks, tests).
 *
 * <p>Every public method is thread-safe; scene changes are applied by the scene thread between two
 * frames. Inputs are named by ids that stay valid until removed. The session owns its sources and
 * closes them; a sink is closed when its encoding ends.
 */
public final class MediaSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaSession.class);

  /**
   * A session that encodes from its start ({@code tally publish}).
   *
   * @param maxFrames stop by itself after this many output frames (0 = run until closed)
   * @param audioBitrateKbps AAC bitrate
   */
  public record Config(VideoFormat format, List<SceneCompositor.VideoInput> video, List<SceneCompositor.AudioInput> audio,
      EncoderSettings encoder, int audioBitrateKbps, long maxFrames) {
    public Config {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(encoder, "encoder");
      video = List.copyOf(video);
      audio = List.copyOf(audio);
      if (video.isEmpty()) throw new IllegalArgumentException("a session needs a video source");
    }
  }

  /**
   * A scene to run: output format, video inputs bottom to top (the first fills the picture, the
   * others sit at their {@link Layer}), audio inputs mixed.
   *
   * @param maxFrames stop by itself after this many composed frames (0 = run until closed)
   */
  public record Scene(VideoFormat format, List<SceneCompositor.VideoInput> video, List<SceneCompositor.AudioInput> audio,
      long maxFrames) {
    public Scene {
      Objects.requireNonNull(format, "format");
      video = List.copyOf(Objects.requireNonNull(video, "video"));
      audio = List.copyOf(Objects.requireNonNull(audio, "audio"));
      if (video.isEmpty()) throw new IllegalArgumentException("a scene needs a video source");
      if (maxFrames < 0) throw new IllegalArgumentException("maxFrames " + maxFrames + " must be ≥ 0");
    }
  }

  /**
   * Counters of a running session.
   *
   * @param framesEncoded frames of the current (or last) encoding
   * @param fpsIn composed frames per second (scene output)
   * @param fpsOut encoded frames per second of the current (or last) encoding
   * @param encodeMicrosPerFrame mean wall time the encoder spent per video frame
   * @param dropped frames the pipeline dropped (late ticks, full encode queue)
   * @param encoder the encoder of the current (or last) encoding, "none" before the first
   * @param previewFrames pictures the preview sink received
   * @param previewDropped pictures the preview skipped because its sink was still busy
   */
  public record Stats(long framesComposed, long framesEncoded, long dropped, double fpsIn, double fpsOut,
      double encodeMicrosPerFrame, String encoder, long previewFrames, long previewDropped) {}

  private final SessionClock clock;
  private final VideoFormat format;
  private final long maxFrames;
  private final boolean encodeOnly; // tally publish: the session lives as long as its encoding
  private final AVRational timeBase;
  private final LiveScene scene;
  private final PreviewTap preview;
  private final Thread sceneThread;
  private final Object lock = new Object();
  private final ConcurrentLinkedQueue<Consumer<Long>> commands = new ConcurrentLinkedQueue<>();
  private boolean sceneEnded; // guarded by lock: no command is accepted any more
  private Encoding encoding; // scene thread: the encoding frames go to
  private volatile Encoding lastEncoding; // API side: the one started last
  private final Object encodingLock = new Object();
  private final InputIds videoIds;
  private final InputIds audioIds;
  private final SourceFailureLog failures = new SourceFailureLog();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile Throwable encodingFailure;
  private final AtomicLong composed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private volatile boolean running = true;
  private volatile boolean closed;
  private final CopyOnWriteArrayList<PcmBlocks> mixTaps = new CopyOnWriteArrayList<>();
  private final LiveScene.Output output = new LiveScene.Output() {
    @Override
    public void video(AVFrame frame) {
      composed.incrementAndGet();
      preview.offer(frame);
      if (encoding != null) encoding.offerVideo(frame);
    }

    @Override
    public void audio(AVFrame frame) {
      if (encoding != null) encoding.offerAudio(frame);
      for (PcmBlocks tap : mixTaps) tap.write(frame); // a copy under a short lock: never waits for the reader
    }
  };


  private MediaSession(SessionClock clock, Scene config, int pixelFormat, boolean encodeOnly) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.format = config.format();
    this.maxFrames = config.maxFrames();
    this.encodeOnly = encodeOnly;
    AVRational rate = av_d2q(format.fps(), 1_000_000);
    timeBase = av_make_q(rate.den(), rate.num());
    scene = new LiveScene(format, pixelFormat, config.video(), config.audio(), failures);
    preview = new PreviewTap(format);
    videoIds = new InputIds("video", config.video().size());
    audioIds = new InputIds("audio", config.audio().size());
    sceneThread = Thread.ofPlatform().name("tally-media-scene").daemon().unstarted(this::sceneLoop);
  }

  /**
   * Opens the scene and starts composing without an encoder (preview, meters). The inputs get the
   * ids 0..n-1 in list order (video and audio counted separately). On failure the sources are closed.
   */
  public static MediaSession open(SessionClock clock, Scene scene) {
    Objects.requireNonNull(scene, "scene");
    MediaSession session;
    try {
      session = new MediaSession(clock, scene, AV_PIX_FMT_YUV420P, false);
    } catch (RuntimeException e) {
      closeSources(scene);
      throw e;
    }
    session.sceneThread.start();
    return session;
  }

  /**
   * Opens the scene and the encoder config asks for (failing here, with FFmpeg's reason, when
   * something cannot open: no fallback) and starts encoding into sink at once. The session ends
   * with its encoding (maxFrames, close, failure). On failure the sources are closed too.
   */
  public static MediaSession start(SessionClock clock, Config config, PacketSink sink) {
    Objects.requireNonNull(sink, "sink");
    var scene = new Scene(config.format(), config.video(), config.audio(), config.maxFrames());
    MediaSession session = null;
    Encoding enc = null;
    try {
      AVRational rate = av_d2q(config.format().fps(), 1_000_000);
      enc = Encoding.open(config.encoder(), true, config.audioBitrateKbps(), !config.audio().isEmpty(), sink,
          config.format(), av_make_q(rate.den(), rate.num()), clock.realTime());
      session = new MediaSession(clock, scene, enc.pixelFormat(), true);
    } catch (RuntimeException e) {
      if (enc != null) {
        enc.finish(); // no scene thread yet: this thread is the only producer
        enc.close();
      }
      closeSources(scene);
      throw e;
    }
    session.encoding = enc;
    session.lastEncoding = enc;
    session.sceneThread.start();
    return session;
  }

  private static void closeSources(Scene scene) {
    scene.video().forEach(v -> v.source().close());
    scene.audio().forEach(a -> a.source().close());
  }

  /** {@link #startEncoding(EncoderSettings, int, PacketSink)} with 128 kbps AAC. */
  public EncoderChoice startEncoding(EncoderSettings settings, PacketSink sink) {
    return startEncoding(settings, 128, sink);
  }

  /**
   * Starts encoding the running scene into sink (format first, then packets; timestamps start at 0
   * for each encoding, audio and video from the one clock). The encoder settings ask for is tried
   * first; if it cannot open, the next usable encoder of the same codec from
   * {@link studio.tally.media.encode.EncoderCatalog} is used and the returned choice says which and
   * why. Throws MediaException when none opens or for an unknown encoder name;
   * IllegalStateException when already encoding or when the session has ended. When no encoder
   * opens, the sink is left untouched (the caller still owns it).
   */
  public EncoderChoice startEncoding(EncoderSettings settings, int audioBitrateKbps, PacketSink sink) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(sink, "sink");
    synchronized (encodingLock) {
      checkOpen();
      Encoding previous = lastEncoding;
      if (previous != null && !previous.ended()) throw new IllegalStateException("already encoding with " + previous.encoderName());
      if (previous != null) previous.close();
      Encoding enc = Encoding.open(settings, false, audioBitrateKbps, true, sink, format, timeBase, clock.realTime());
      try {
        command(t -> {
          scene.setPixelFormat(enc.pixelFormat(), t, output);
          encoding = enc;
        });
      } catch (IllegalStateException e) {
        enc.finish();
        enc.close();
        throw e;
      }
      lastEncoding = enc;
      encodingFailure = null;
      return enc.choice();
    }
  }

  /**
   * Stops encoding: the encoders are drained and flushed into the sink, which is then closed; the
   * scene, preview and meters keep running. Blocks until the sink is closed. No-op when not
   * encoding. From a sink or source-failure callback it would wait for itself: IllegalStateException.
   */
  public void stopEncoding() {
    refuseOnMediaThreads("stopEncoding()");
    synchronized (encodingLock) {
      Encoding enc = lastEncoding;
      if (enc == null) return;
      try {
        command(t -> detach(enc));
      } catch (IllegalStateException ended) {
        // the scene thread has ended and finished every encoding on its way out
      }
      try {
        while (!enc.awaitEnd(100, TimeUnit.MILLISECONDS)) {
          if (!sceneThread.isAlive() && !enc.ended()) sceneThread.join(); // it finishes encodings as it ends
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      enc.close();
    }
  }

  /** Whether an encoder is running. */
  public boolean encoding() {
    Encoding enc = lastEncoding;
    return enc != null && !enc.ended();
  }

  /**
   * Shows the composed scene, scaled to width × height, to sink on the session's preview thread at
   * the scene's frame rate (dropping frames the sink is too slow for). null stops the preview; a
   * new call replaces the previous sink and size.
   */
  public void setPreview(PreviewSink sinkOrNull, int width, int height) {
    if (sinkOrNull != null) checkOpen();
    preview.set(sinkOrNull, width, height);
  }

  /**
   * Also copies the mixed audio (what the encoder gets: every input after its gain and mute, 48 kHz
   * stereo) into {@code tap}, from the next mixed frame on, on the scene thread; the tap's reader drains
   * 10 ms blocks on a thread of its own (a call). Adding a tap twice adds it once.
   */
  public void addMixTap(PcmBlocks tap) {
    Objects.requireNonNull(tap, "tap");
    mixTaps.addIfAbsent(tap);
  }

  public void removeMixTap(PcmBlocks tap) {
    mixTaps.remove(tap);
  }

  /** Latest meter reading of every audio input, in input order; a lock-free read. */
  public List<AudioLevel> audioLevels() {
    return scene.levels();
  }

  /** Moves/resizes video input videoInput (picture-in-picture drag); applied between two frames. */
  public void setLayer(int videoInput, Layer layer) {
    Objects.requireNonNull(layer, "layer");
    checkVideo(videoInput);
    command(t -> scene.setLayer(videoInput, layer));
  }

  /** Adds a video input on top of the others; the session owns its source from now on. Returns its id. */
  public int addVideoInput(SceneCompositor.VideoInput input) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(input.source(), "input.source");
    Objects.requireNonNull(input.layer(), "input.layer");
    synchronized (lock) {
      checkOpen();
      int id = videoIds.add();
      try {
        command(t -> scene.addVideo(id, input, t, output));
      } catch (IllegalStateException e) {
        videoIds.remove(id);
        throw e;
      }
      return id;
    }
  }

  /** Removes a video input and closes its source; the last video input cannot be removed. */
  public void removeVideoInput(int videoInput) {
    synchronized (lock) {
      checkVideo(videoInput);
      if (videoIds.size() == 1) throw new IllegalStateException("video input " + videoInput + " is the last one; add another first");
      command(t -> scene.removeVideo(videoInput, t, output));
      videoIds.remove(videoInput);
    }
  }

  /** Adds an audio input to the mix; the session owns its source from now on. Returns its id. */
  public int addAudioInput(SceneCompositor.AudioInput input) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(input.source(), "input.source");
    if (!Double.isFinite(input.gainDb())) throw new IllegalArgumentException("gain " + input.gainDb() + " dB is not a number");
    synchronized (lock) {
      checkOpen();
      int id = audioIds.add();
      try {
        command(t -> scene.addAudio(id, input, t, output));
      } catch (IllegalStateException e) {
        audioIds.remove(id);
        throw e;
      }
      return id;
    }
  }

  /** Removes an audio input from the mix and closes its source. */
  public void removeAudioInput(int audioInput) {
    synchronized (lock) {
      checkAudio(audioInput);
      command(t -> scene.removeAudio(audioInput, t, output));
      audioIds.remove(audioInput);
    }
  }

  /** Changes an audio input's gain (dB), applied on the scene thread at the next tick. */
  public void setGain(int audioInput, double gainDb) {
    if (!Double.isFinite(gainDb)) throw new IllegalArgumentException("gain " + gainDb + " dB is not a number");
    checkAudio(audioInput);
    command(t -> scene.setGain(audioInput, gainDb));
  }

  /** Mutes/unmutes an audio input at the next tick. */
  public void setMuted(int audioInput, boolean muted) {
    checkAudio(audioInput);
    command(t -> scene.setMuted(audioInput, muted));
  }

  /** Ids of the video inputs, bottom to top. */
  public List<Integer> videoInputs() {
    return videoIds.list();
  }

  /** Ids of the audio inputs, in mixing order. */
  public List<Integer> audioInputs() {
    return audioIds.list();
  }

  /** Every source failure so far, oldest first. */
  public List<SourceFailure> sourceFailures() {
    return failures.all();
  }

  /**
   * Calls listener (on the scene thread: keep it short, hand over to your own executor) for every
   * source failure from now on; null removes it.
   */
  public void onSourceFailure(Consumer<SourceFailure> listener) {
    failures.listen(listener);
  }

  /** The output format of the scene. */
  public VideoFormat format() {
    return format;
  }

  /** Asks the current encoding for a keyframe soon (a WebRTC destination's PLI/FIR). Any thread; never blocks. */
  public void requestKeyframe() {
    Encoding enc = lastEncoding;
    if (enc != null) enc.requestKeyframe();
  }

  /** The encoder of the current encoding, null when not encoding. */
  public String encoderName() {
    Encoding enc = lastEncoding;
    return enc == null || enc.ended() ? null : enc.encoderName();
  }

  public Stats stats() {
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    Encoding enc = lastEncoding;
    long c = composed.get();
    return new Stats(c, enc == null ? 0 : enc.encoded(), dropped.get() + (enc == null ? 0 : enc.dropped()), c / seconds,
        enc == null ? 0 : enc.fps(), enc == null ? 0 : enc.encodeMicrosPerFrame(), enc == null ? "none" : enc.encoderName(),
        preview.delivered(), preview.dropped());
  }

  /** Waits until the session ended by itself (maxFrames, failure); true if it did within the timeout. */
  public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  /** Why the session stopped early, if it failed (for a {@link #start}ed session: its encoder too). */
  public Throwable failure() {
    return failure.get();
  }

  /** Why the last encoding stopped by itself (encoder error), or null. */
  public Throwable encodingFailure() {
    return encodingFailure;
  }

  /** Waiting for the scene or encode thread from that very thread would never end: say so instead. */
  private void refuseOnMediaThreads(String what) {
    Encoding enc = lastEncoding;
    if (Thread.currentThread() == sceneThread || enc != null && enc.onEncodeThread()) {
      throw new IllegalStateException(what + " called from a media callback (" + Thread.currentThread().getName()
          + ") would wait for itself; hand it to another thread");
    }
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("media session is closed");
  }

  private void checkVideo(int id) {
    checkOpen();
    videoIds.check(id);
  }

  private void checkAudio(int id) {
    checkOpen();
    audioIds.check(id);
  }

  /** Queues a scene change; it gets the session time of the frame about to be composed. */
  private void command(Consumer<Long> change) {
    synchronized (lock) {
      checkOpen();
      if (sceneEnded) throw new IllegalStateException("media session has ended" + (failure.get() == null ? "" : ": " + failure.get().getMessage()));
      commands.add(change);
    }
    LockSupport.unpark(sceneThread);
  }

  private void runCommands(long t) {
    Consumer<Long> change;
    while ((change = commands.poll()) != null) {
      try {
        change.accept(t);
      } catch (IllegalArgumentException e) {
        LOG.warn("scene change refused: {}", e.getMessage()); // e.g. an input removed twice in a race
      }
    }
  }

  private void detach(Encoding enc) {
    if (encoding == enc) encoding = null;
    enc.finish();
  }

  private void sceneLoop() {
    long k = 0;
    try {
      // the first frame is the tick due now (opening took time: that is not a drop), and audio starts
      // with it, so every track begins at the same instant
      k = clock.realTime() ? (long) Math.ceil(clock.micros() * format.fps() / 1e6) : 0;
      scene.discardAudioBefore(format.frameTime(k));
      while (running && (maxFrames == 0 || k < maxFrames)) {
        long t = format.frameTime(k);
        runCommands(t);
        if (encoding != null && encoding.failure() != null) encoderFailed(encoding);
        if (clock.realTime()) {
          long now = clock.micros();
          if (now < t) {
            LockSupport.parkNanos((t - now) * 1000);
            continue;
          }
          long due = (long) Math.floor(now * format.fps() / 1e6);
          if (due > k + 1) { // more than a frame late: skip to now
            dropped.addAndGet(due - k);
            k = due;
            t = format.frameTime(k);
          }
        }
        scene.tick(t, output);
        k++;
      }
      scene.end(format.frameTime(k), output);
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
      LOG.warn("media session scene failed: {}", e.toString());
    } finally {
      synchronized (lock) {
        sceneEnded = true;
      }
      try {
        runCommands(format.frameTime(k)); // changes that came too late: an encoding attached here is finished below
      } catch (RuntimeException e) {
        LOG.debug("scene change after the end: {}", e.toString());
      }
      Encoding enc = encoding;
      encoding = null;
      if (enc != null) {
        enc.finish();
        awaitQuietly(enc);
        if (enc.failure() != null) encodingFailure = enc.failure();
        if (encodeOnly && enc.failure() != null) failure.compareAndSet(null, enc.failure());
      }
      ended.countDown();
    }
  }

  private void encoderFailed(Encoding enc) {
    encodingFailure = enc.failure();
    detach(enc);
    if (encodeOnly) {
      failure.compareAndSet(null, enc.failure());
      running = false;
    }
  }

  private static void awaitQuietly(Encoding enc) {
    try {
      enc.awaitEnd(Long.MAX_VALUE, TimeUnit.DAYS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the ticks, flushes encoders into the sink, closes the sink, then preview, encoders, scene and sources. */
  @Override
  public void close() {
    refuseOnMediaThreads("close()");
    synchronized (lock) {
      if (closed) return;
      closed = true;
    }
    running = false;
    LockSupport.unpark(sceneThread);
    try {
      if (sceneThread.isAlive() || sceneThread.getState() != Thread.State.NEW) sceneThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    preview.close();
    synchronized (encodingLock) {
      Encoding enc = lastEncoding;
      if (enc != null) enc.close();
    }
    scene.close();
  }
}
