package studio.tally.media.session;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.PreviewFrame;
import studio.tally.media.PreviewSink;
import studio.tally.media.VideoFormat;

/**
 * The preview: the scene thread drops a new reference to each composed picture into a one-slot
 * mailbox (replacing, and counting as dropped, one the preview thread has not taken yet); the
 * preview thread scales it with swscale straight into a native BGRA buffer — on a little-endian
 * machine exactly the ARGB ints JavaFX wants — and lends it to the sink. Nothing queues, and the
 * scene thread never waits for the consumer.
 */
final class PreviewTap implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PreviewTap.class);

  private record Target(PreviewSink sink, int width, int height) {}

  private final VideoFormat format;
  private final AtomicReference<AVFrame> mailbox = new AtomicReference<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Target target;
  private volatile Thread thread;

  PreviewTap(VideoFormat format) {
    this.format = format;
  }

  /** Any thread: shows to sink at width × height from the next picture on; null stops the preview thread. */
  synchronized void set(PreviewSink sink, int width, int height) {
    if (sink != null && (width < 2 || height < 2 || width > VideoFormat.MAX_SIZE || height > VideoFormat.MAX_SIZE)) {
      throw new IllegalArgumentException("preview size " + width + "x" + height + " out of range 2.." + VideoFormat.MAX_SIZE);
    }
    if (sink == null) {
      stopThread();
      return;
    }
    target = new Target(sink, width, height);
    if (thread == null) {
      Thread t = Thread.ofPlatform().name("tally-media-preview").daemon().unstarted(this::previewLoop);
      thread = t;
      t.start();
    }
  }

  /** Scene thread: a composed picture (pts in frames); takes a new reference when a preview is on. */
  void offer(AVFrame composed) {
    if (target == null) return;
    AVFrame old = mailbox.getAndSet(av_frame_clone(composed));
    if (old != null) {
      dropped.incrementAndGet();
      av_frame_free(old);
    }
    Thread t = thread;
    if (t != null) LockSupport.unpark(t);
  }

  long delivered() {
    return delivered.get();
  }

  long dropped() {
    return dropped.get();
  }

  /**
   * swscale writes whole SIMD blocks and expects FFmpeg's aligned, padded rows: scaling straight
   * into a tight w×4-byte-stride buffer overran it (a 426-wide preview corrupted the native heap).
   * So it scales into an FFmpeg-allocated frame and rows are copied into the tight buffer.
   */
  private void previewLoop() {
    SwsContext sws = null;
    AVFrame scaled = null;
    ByteBuffer bytes = null;
    BytePointer pixels = null;
    try {
      while (thread == Thread.currentThread()) {
        AVFrame frame = mailbox.getAndSet(null);
        if (frame == null) {
          LockSupport.parkNanos(20_000_000);
          continue;
        }
        try {
          Target t = target;
          if (t == null) continue;
          int w = t.width();
          int h = t.height();
          if (scaled == null || scaled.width() != w || scaled.height() != h) {
            if (scaled != null) av_frame_free(scaled);
            scaled = av_frame_alloc();
            scaled.format(ARGB_INTS);
            scaled.width(w);
            scaled.height(h);
            Av.check(av_frame_get_buffer(scaled, 0), "preview picture");
            bytes = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.nativeOrder());
            pixels = new BytePointer(bytes);
          }
          sws = sws_getCachedContext(sws, frame.width(), frame.height(), frame.format(), w, h, ARGB_INTS, SWS_BILINEAR,
              null, null, (DoublePointer) null);
          if (sws == null) throw new MediaException("swscale cannot convert the scene to the preview");
          Av.check(sws_scale(sws, frame.data(), frame.linesize(), 0, frame.height(), scaled.data(), scaled.linesize()),
              "preview scaling");
          copyRows(scaled, pixels, w, h);
          long ptsMicros = format.frameTime(frame.pts());
          try {
            t.sink().onPreview(new PreviewFrame(w, h, bytes.asIntBuffer(), ptsMicros));
            delivered.incrementAndGet();
          } catch (RuntimeException e) {
            LOG.warn("preview sink failed: {}", e.toString());
          }
        } finally {
          av_frame_free(frame);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("preview stopped: {}", e.toString());
    } finally {
      if (sws != null) sws_freeContext(sws);
      if (scaled != null) av_frame_free(scaled);
    }
  }

  /** BGRA bytes on a little-endian machine are ARGB ints; ARGB bytes on a big-endian one. */
  private static final int ARGB_INTS = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? AV_PIX_FMT_BGRA : AV_PIX_FMT_ARGB;

  private static void copyRows(AVFrame from, BytePointer to, int w, int h) {
    long row = (long) w * 4;
    int stride = from.linesize(0);
    BytePointer src = from.data(0);
    if (stride == row) {
      Pointer.memcpy(to.position(0), src.position(0), row * h);
      return;
    }
    for (int y = 0; y < h; y++) {
      Pointer.memcpy(to.position(y * row), src.position((long) y * stride), row);
    }
    to.position(0);
  }

  private void stopThread() {
    target = null;
    Thread t = thread;
    thread = null; // its loop ends when it sees it is no longer the preview thread
    if (t != null) {
      LockSupport.unpark(t);
      if (t != Thread.currentThread()) { // not when stopped from the sink's own callback
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    AVFrame left = mailbox.getAndSet(null);
    if (left != null) av_frame_free(left);
  }

  @Override
  public synchronized void close() {
    stopThread();
  }
}
