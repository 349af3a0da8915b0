package studio.tally.media;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.encode.AudioEncoder;
import studio.tally.media.encode.EncoderCandidate;
import studio.tally.media.encode.EncoderCatalog;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.encode.VideoEncoder;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor;

/**
 * capture → scene → encode → {@link PacketSink}, on two threads of its own: the scene thread ticks
 * at the output frame rate (sampling every video source once per tick, draining audio up to the
 * tick, composing with {@link SceneCompositor}); the encode thread encodes and hands packets to the
 * sink in decode order. Frames cross between them as native AVFrame references — never copied.
 * A real-time clock paces the ticks (a late scene skips ticks and counts them as dropped); a
 * virtual clock runs flat out (benchmarks). The session owns its sources and closes them, and
 * closes the sink when it ends.
 */
public final class MediaSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaSession.class);
  private static final int QUEUE = 256;
  private static final int VIDEO_IN_FLIGHT = 8;

  /**
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
   * Counters of a running session.
   *
   * @param fpsIn composed frames per second (scene output)
   * @param fpsOut encoded frames per second
   * @param encodeMicrosPerFrame mean wall time the encoder spent per video frame
   * @param dropped frames the pipeline dropped (late ticks, full encode queue)
   */
  public record Stats(long framesComposed, long framesEncoded, long dropped, double fpsIn, double fpsOut,
      double encodeMicrosPerFrame, String encoder) {}

  /** A composed picture for the encoder, or an already encoded audio packet to interleave. */
  private record Item(AVFrame frame, EncodedPacket audio) {}

  private static final Item END = new Item(null, null);

  private final SessionClock clock;
  private final Config config;
  private final PacketSink sink;
  private final SceneCompositor scene;
  private final VideoEncoder videoEncoder;
  private final AudioEncoder audioEncoder;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
  private final java.util.concurrent.Semaphore videoSlots = new java.util.concurrent.Semaphore(VIDEO_IN_FLIGHT);
  private final Thread sceneThread;
  private final Thread encodeThread;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong composed = new AtomicLong();
  private final AtomicLong encoded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong encodeNanos = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private volatile boolean running = true;
  private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> sceneCommands = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private MediaSession(SessionClock clock, Config config, PacketSink sink) {
    this.clock = clock;
    this.config = config;
    this.sink = sink;
    EncoderCandidate candidate = EncoderCatalog.select(config.encoder());
    if (!candidate.codec().equals("h264")) {
      throw new MediaException("encoder '" + candidate.name() + "' encodes " + candidate.codec() + "; sessions deliver h264 for now");
    }
    SceneCompositor s = null;
    VideoEncoder v = null;
    AudioEncoder a = null;
    try {
      s = new SceneCompositor(config.format(), candidate.swPixelFormat(), config.video(), config.audio());
      v = VideoEncoder.open(candidate, config.encoder(), config.format(), s.videoTimeBase());
      a = config.audio().isEmpty() ? null : new AudioEncoder(config.audioBitrateKbps());
    } catch (RuntimeException e) {
      if (v != null) v.close();
      if (s != null) s.close();
      throw e;
    }
    scene = s;
    videoEncoder = v;
    audioEncoder = a;
    sceneThread = Thread.ofPlatform().name("tally-media-scene").daemon().unstarted(this::sceneLoop);
    encodeThread = Thread.ofPlatform().name("tally-media-encode").daemon().unstarted(this::encodeLoop);
  }

  /**
   * Opens the scene and encoders (failing here, with FFmpeg's reason, when something cannot open)
   * and starts the threads. On failure the sources are closed too.
   */
  public static MediaSession start(SessionClock clock, Config config, PacketSink sink) {
    MediaSession session;
    try {
      session = new MediaSession(clock, config, sink);
    } catch (RuntimeException e) {
      config.video().forEach(v -> v.source().close());
      config.audio().forEach(a -> a.source().close());
      throw e;
    }
    session.encodeThread.start();
    session.sceneThread.start();
    return session;
  }

  /** Changes an audio input's gain (dB), applied on the scene thread at the next tick. */
  public void setGain(int audioInput, double gainDb) {
    sceneCommands.add(() -> scene.setGain(audioInput, gainDb));
  }

  /** Mutes/unmutes an audio input at the next tick. */
  public void setMuted(int audioInput, boolean muted) {
    sceneCommands.add(() -> scene.setMuted(audioInput, muted));
  }

  // ---- live studio API (issue #5): preview, meters, scene changes while running, encoder on demand ----

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
   * Opens the scene and starts composing without an encoder (preview, meters). The inputs get the
   * ids 0..n-1 in list order (video and audio counted separately). On failure the sources are closed.
   */
  public static MediaSession open(SessionClock clock, Scene scene) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@link #startEncoding(EncoderSettings, int, PacketSink)} with 128 kbps AAC. */
  public EncoderChoice startEncoding(EncoderSettings settings, PacketSink sink) {
    return startEncoding(settings, 128, sink);
  }

  /**
   * Starts encoding the running scene into sink (format first, then packets; timestamps start at 0
   * for each encoding). The encoder settings ask for is tried first; if it cannot open, the next
   * usable encoder of the same codec from {@link studio.tally.media.encode.EncoderCatalog} is used
   * and the returned choice says which and why. Throws MediaException when none opens, or an
   * unknown encoder name; IllegalStateException when already encoding or closed.
   */
  public EncoderChoice startEncoding(EncoderSettings settings, int audioBitrateKbps, PacketSink sink) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Stops encoding: the encoders are drained and flushed into the sink, which is then closed; the
   * scene, preview and meters keep running. Blocks until the sink is closed. No-op when not
   * encoding. Must not be called from a sink or preview callback.
   */
  public void stopEncoding() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Whether an encoder is running. */
  public boolean encoding() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Shows the composed scene, scaled to width × height, to sink on the session's preview thread at
   * the scene's frame rate (dropping frames the sink is too slow for). null stops the preview; a
   * new call replaces the previous sink and size.
   */
  public void setPreview(PreviewSink sinkOrNull, int width, int height) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Latest meter reading of every audio input, in input order; a lock-free read. */
  public List<AudioLevel> audioLevels() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Moves/resizes video input videoInput (picture-in-picture drag); applied between two frames. */
  public void setLayer(int videoInput, Layer layer) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Adds a video input on top of the others; the session owns its source from now on. Returns its id. */
  public int addVideoInput(SceneCompositor.VideoInput input) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Removes a video input and closes its source; the last video input cannot be removed. */
  public void removeVideoInput(int videoInput) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Adds an audio input to the mix; the session owns its source from now on. Returns its id. */
  public int addAudioInput(SceneCompositor.AudioInput input) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Removes an audio input from the mix and closes its source. */
  public void removeAudioInput(int audioInput) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Ids of the video inputs, bottom to top. */
  public List<Integer> videoInputs() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Ids of the audio inputs, in mixing order. */
  public List<Integer> audioInputs() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Every source failure so far, oldest first. */
  public List<SourceFailure> sourceFailures() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Calls listener (on the scene thread: keep it short, hand over to your own executor) for every
   * source failure from now on; null removes it.
   */
  public void onSourceFailure(java.util.function.Consumer<SourceFailure> listener) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The output format of the scene. */
  public VideoFormat format() {
    throw new UnsupportedOperationException("not yet");
  }

  public String encoderName() {
    return videoEncoder.name();
  }

  public Stats stats() {
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    long enc = encoded.get();
    return new Stats(composed.get(), enc, dropped.get(), composed.get() / seconds, enc / seconds,
        enc == 0 ? 0 : encodeNanos.get() / 1000.0 / enc, videoEncoder.name());
  }

  /** Waits until the session ended by itself (maxFrames, failure); true if it did within the timeout. */
  public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  /** Why the session stopped early, if it failed. */
  public Throwable failure() {
    return failure.get();
  }

  private void sceneLoop() {
    var format = config.format();
    AVFrame out = av_frame_alloc();
    try {
      // the first frame is the tick due now (opening took time: that is not a drop), and audio starts
      // with it, so every track of a recording begins at the same instant
      long k = clock.realTime() ? (long) Math.ceil(clock.micros() * format.fps() / 1e6) : 0;
      discardAudioBefore(format.frameTime(k));
      while (running && (config.maxFrames() == 0 || k < config.maxFrames())) {
        Runnable command;
        while ((command = sceneCommands.poll()) != null) command.run();
        long t = format.frameTime(k);
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
        tick(t, out);
        k++;
      }
      scene.endOfStream(format.frameTime(k), config.audio().stream().mapToInt(a -> a.source().sampleRate()).toArray());
      drainScene(out);
      if (audioEncoder != null) audioEncoder.encode(null, p -> enqueue(new Item(null, p)));
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
      LOG.warn("media session scene failed: {}", e.toString());
    } finally {
      av_frame_free(out);
      enqueue(END);
    }
  }

  private void discardAudioBefore(long t) {
    for (var input : config.audio()) {
      AVFrame f;
      while ((f = input.source().next(t)) != null) av_frame_free(f);
    }
  }

  private void tick(long t, AVFrame out) {
    var video = config.video();
    for (int i = 0; i < video.size(); i++) {
      AVFrame f = video.get(i).source().frameAt(t);
      if (f == null) continue;
      f.pts(t);
      scene.pushVideo(i, f);
      av_frame_free(f);
    }
    var audio = config.audio();
    for (int i = 0; i < audio.size(); i++) {
      AVFrame f;
      while ((f = audio.get(i).source().next(t)) != null) {
        scene.pushAudio(i, f);
        av_frame_free(f);
      }
    }
    drainScene(out);
  }

  private void drainScene(AVFrame out) {
    while (scene.pullVideo(out)) {
      composed.incrementAndGet();
      AVFrame frame = av_frame_alloc();
      av_frame_move_ref(frame, out);
      if (clock.realTime()) {
        if (!videoSlots.tryAcquire()) { // the encoder is 8 frames behind: drop rather than add latency
          dropped.incrementAndGet();
          av_frame_free(frame);
          continue;
        }
      } else {
        videoSlots.acquireUninterruptibly();
      }
      enqueue(new Item(frame, null));
    }
    // AAC is cheap and the scene thread has slack: encoding here keeps it off the video encoder's path
    while (scene.pullAudio(out)) {
      try {
        audioEncoder.encode(out, p -> enqueue(new Item(null, p)));
      } finally {
        av_frame_unref(out);
      }
    }
  }

  private void enqueue(Item item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (item.frame() != null) av_frame_free(item.frame());
    }
  }

  private void encodeLoop() {
    boolean[] formatSent = {false};
    var interleaver = new Interleaver(true, audioEncoder != null, 1_000_000, packet -> {
      if (!formatSent[0]) {
        sink.onFormat(new StreamFormat(videoEncoder.format(), audioEncoder == null ? null : audioEncoder.format()));
        formatSent[0] = true;
      }
      sink.onPacket(packet);
    });
    try {
      while (true) {
        Item item = queue.take();
        if (item == END) break;
        if (item.audio() != null) {
          interleaver.add(item.audio());
          continue;
        }
        videoSlots.release();
        try {
          long start = System.nanoTime();
          videoEncoder.encode(item.frame(), interleaver::add);
          encodeNanos.addAndGet(System.nanoTime() - start);
          encoded.incrementAndGet();
        } finally {
          av_frame_free(item.frame());
        }
      }
      videoEncoder.encode(null, interleaver::add);
      interleaver.flush();
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
      running = false;
      LOG.warn("media session encoder failed: {}", e.toString());
      videoSlots.release(QUEUE); // never leave the scene thread waiting for a slot
      List<Item> rest = new ArrayList<>();
      queue.drainTo(rest);
      rest.forEach(i -> { if (i.frame() != null) av_frame_free(i.frame()); });
    } finally {
      try {
        sink.close();
      } finally {
        ended.countDown();
      }
    }
  }

  /** Stops the ticks, flushes encoders into the sink, closes the sink, then encoders, scene and sources. */
  @Override
  public void close() {
    running = false;
    try {
      sceneThread.join();
      // the encode thread may be blocked on put() no more: scene thread always enqueues END
      while (encodeThread.isAlive()) {
        encodeThread.join(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    videoEncoder.close();
    if (audioEncoder != null) audioEncoder.close();
    scene.close();
    config.video().forEach(v -> v.source().close());
    config.audio().forEach(a -> a.source().close());
  }
}
