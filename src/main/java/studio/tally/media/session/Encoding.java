package studio.tally.media.session;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.encode.AudioEncoder;
import studio.tally.media.encode.EncoderCandidate;
import studio.tally.media.encode.EncoderCatalog;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.encode.VideoEncoder;
import studio.tally.media.EncodedPacket;
import studio.tally.media.EncoderChoice;
import studio.tally.media.MediaException;
import studio.tally.media.PacketSink;
import studio.tally.media.VideoFormat;
import studio.tally.media.StreamFormat;

/**
 * One run of the encoders into one sink, from start to stop, on an encode thread of its own. The
 * scene thread offers composed pictures (as new references: never copied) and mixed audio (AAC is
 * cheap: encoded right there, off the video encoder's path); timestamps are rebased so every
 * encoding starts at 0. When the encoder falls more than 8 frames behind a real-time scene, frames
 * are dropped rather than queued.
 */
final class Encoding {
  private static final Logger LOG = LoggerFactory.getLogger(Encoding.class);
  private static final int QUEUE = 256;
  private static final int VIDEO_IN_FLIGHT = 8;

  /** A picture for the encoder, or an already encoded audio packet to interleave. */
  private record Item(AVFrame frame, EncodedPacket audio) {}

  private static final Item END = new Item(null, null);

  private final VideoEncoder video;
  private final AudioEncoder audio;
  private final PacketSink sink;
  private final EncoderChoice choice;
  private final VideoFormat format;
  private final boolean realTime;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Semaphore slots = new Semaphore(VIDEO_IN_FLIGHT);
  private final Thread thread;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicLong encoded = new AtomicLong();
  private final AtomicLong encodeNanos = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private volatile Throwable failure;
  private long startFrame = -1;
  private long startSample;
  private boolean finished;
  private boolean closed;

  private Encoding(VideoEncoder video, AudioEncoder audio, PacketSink sink, EncoderChoice choice, VideoFormat format,
      boolean realTime) {
    this.video = video;
    this.audio = audio;
    this.sink = sink;
    this.choice = choice;
    this.format = format;
    this.realTime = realTime;
    thread = Thread.ofPlatform().name("tally-media-encode").daemon().start(this::encodeLoop);
  }

  /**
   * Opens the encoders. strict: exactly what settings select, failing with the reason (tally
   * publish); otherwise the requested encoder first, then every other usable one of the codec in
   * catalog order, and the choice says which failed and why.
   *
   * @param timeBase of the frames the scene will offer (1/fps)
   */
  static Encoding open(EncoderSettings settings, boolean strict, int audioBitrateKbps, boolean audioTrack, PacketSink sink,
      VideoFormat format, AVRational timeBase, boolean realTime) {
    if (!"h264".equals(settings.codec())) {
      throw new MediaException("codec " + settings.codec() + " requested; sessions deliver h264 for now");
    }
    if (audioTrack && (audioBitrateKbps < 16 || audioBitrateKbps > 512)) {
      throw new IllegalArgumentException("audio bitrate " + audioBitrateKbps + " kbps out of range 16..512");
    }
    List<EncoderCandidate> order = new ArrayList<>();
    if (strict) {
      order.add(EncoderCatalog.select(settings));
    } else {
      if (!settings.encoder().equals("auto")) order.add(EncoderCatalog.byName(settings.encoder(), settings.codec()));
      for (EncoderCandidate c : EncoderCatalog.CANDIDATES) {
        if (c.codec().equals(settings.codec()) && !order.contains(c) && EncoderCatalog.probe(c).usable()) order.add(c);
      }
    }
    List<EncoderChoice.Failed> failed = new ArrayList<>();
    VideoEncoder opened = null;
    for (EncoderCandidate c : order) {
      if (!c.codec().equals("h264")) {
        failed.add(new EncoderChoice.Failed(c.name(), "encodes " + c.codec() + "; sessions deliver h264 for now"));
        continue;
      }
      try {
        opened = VideoEncoder.open(c, settings, format, timeBase);
        break;
      } catch (MediaException e) {
        if (strict) throw e;
        failed.add(new EncoderChoice.Failed(c.name(), e.getMessage()));
      }
    }
    if (opened == null) {
      throw new MediaException("no " + settings.codec() + " encoder could be opened: "
          + failed.stream().map(f -> f.encoder() + ": " + f.reason()).toList());
    }
    AudioEncoder aac;
    try {
      aac = audioTrack ? new AudioEncoder(audioBitrateKbps) : null;
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    var choice = new EncoderChoice(settings.encoder(), opened.name(), failed);
    if (choice.fellBack()) LOG.warn("{}", choice.message());
    return new Encoding(opened, aac, sink, choice, format, realTime);
  }

  void requestKeyframe() {
    video.requestKeyframe();
  }

  EncoderChoice choice() {
    return choice;
  }

  String encoderName() {
    return video.name();
  }

  /** Pixel format the scene must deliver to this encoder. */
  int pixelFormat() {
    return video.inputPixelFormat();
  }

  /** Whether the calling thread is this encoding's encode thread (a sink callback). */
  boolean onEncodeThread() {
    return Thread.currentThread() == thread;
  }

  Throwable failure() {
    return failure;
  }

  boolean ended() {
    return done.getCount() == 0;
  }

  long encoded() {
    return encoded.get();
  }

  long dropped() {
    return dropped.get();
  }

  double fps() {
    return encoded.get() / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }

  double encodeMicrosPerFrame() {
    long n = encoded.get();
    return n == 0 ? 0 : encodeNanos.get() / 1000.0 / n;
  }

  /** Scene thread: a composed picture (pts in frames); the first one offered is this encoding's time 0. */
  void offerVideo(AVFrame composed) {
    if (finished || failure != null) return;
    if (startFrame < 0) {
      startFrame = composed.pts();
      startSample = format.frameTime(startFrame) * AudioEncoder.SAMPLE_RATE / 1_000_000L;
    }
    if (realTime) {
      if (!slots.tryAcquire()) { // the encoder is 8 frames behind: drop rather than add latency
        dropped.incrementAndGet();
        return;
      }
    } else {
      slots.acquireUninterruptibly();
    }
    AVFrame frame = av_frame_clone(composed);
    frame.pts(composed.pts() - startFrame);
    enqueue(new Item(frame, null));
  }

  /** Scene thread: mixed audio (pts in samples); audio from before the first picture is left out. */
  void offerAudio(AVFrame mixed) {
    if (audio == null || finished || failure != null || startFrame < 0 || mixed.pts() < startSample) return;
    long pts = mixed.pts();
    mixed.pts(pts - startSample);
    try {
      audio.encode(mixed, p -> enqueue(new Item(null, p)));
    } catch (RuntimeException e) {
      fail(e);
    } finally {
      mixed.pts(pts);
    }
  }

  /** Scene thread: no more input; the encode thread drains, flushes and closes the sink. */
  void finish() {
    if (finished) return;
    finished = true;
    try {
      if (audio != null && failure == null) audio.encode(null, p -> enqueue(new Item(null, p)));
    } catch (RuntimeException e) {
      fail(e);
    }
    enqueue(END);
  }

  /** Waits for the encode thread to have closed the sink. */
  boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  private void enqueue(Item item) {
    try {
      while (thread.isAlive()) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (item.frame() != null) av_frame_free(item.frame()); // the encoder is gone
  }

  private void fail(Throwable e) {
    if (failure == null) failure = e;
  }

  private void encodeLoop() {
    boolean[] formatSent = {false};
    var interleaver = new Interleaver(true, audio != null, 1_000_000, packet -> {
      if (!formatSent[0]) {
        sink.onFormat(new StreamFormat(video.format(), audio == null ? null : audio.format()));
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
        slots.release();
        try {
          long start = System.nanoTime();
          video.encode(item.frame(), interleaver::add);
          encodeNanos.addAndGet(System.nanoTime() - start);
          encoded.incrementAndGet();
        } finally {
          av_frame_free(item.frame());
        }
      }
      video.encode(null, interleaver::add);
      interleaver.flush();
    } catch (Throwable e) {
      fail(e);
      LOG.warn("encoder {} failed: {}", video.name(), e.toString());
    } finally {
      slots.release(QUEUE); // never leave the scene thread waiting for a slot
      List<Item> rest = new ArrayList<>();
      queue.drainTo(rest);
      rest.forEach(i -> { if (i.frame() != null) av_frame_free(i.frame()); });
      try {
        sink.close();
      } catch (RuntimeException e) {
        LOG.warn("packet sink failed to close: {}", e.toString());
      } finally {
        done.countDown();
      }
    }
  }

  /** Frees the encoders once the encode thread has ended (waits for it). */
  void close() {
    if (closed) return;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    closed = true;
    List<Item> rest = new ArrayList<>(); // offered while the encode thread was ending
    queue.drainTo(rest);
    rest.forEach(i -> { if (i.frame() != null) av_frame_free(i.frame()); });
    video.close();
    if (audio != null) audio.close();
  }
}
