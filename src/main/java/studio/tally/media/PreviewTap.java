package studio.tally.media;

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
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private Thread thread;
  private volatile boolean stopping;

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
      stopping = false;
      thread = Thread.ofPlatform().name("tally-media-preview").daemon().start(this::previewLoop);
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

  private void previewLoop() {
    SwsContext sws = null;
    ByteBuffer bytes = null;
    BytePointer pixels = null;
    int w = 0;
    int h = 0;
    var dstData = new PointerPointer<BytePointer>(4);
    var dstStride = new IntPointer(4);
    try {
      while (!stopping) {
        AVFrame frame = mailbox.getAndSet(null);
        if (frame == null) {
          LockSupport.parkNanos(20_000_000);
          continue;
        }
        try {
          Target t = target;
          if (t == null) continue;
          if (bytes == null || t.width() != w || t.height() != h) {
            w = t.width();
            h = t.height();
            bytes = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.nativeOrder());
            pixels = new BytePointer(bytes);
            dstData.put(0, pixels);
            dstStride.put(0, w * 4);
          }
          sws = sws_getCachedContext(sws, frame.width(), frame.height(), frame.format(), w, h,
              ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? AV_PIX_FMT_BGRA : AV_PIX_FMT_ARGB, SWS_BILINEAR,
              null, null, (DoublePointer) null);
          if (sws == null) throw new MediaException("swscale cannot convert the scene to the preview");
          sws_scale(sws, frame.data(), frame.linesize(), 0, frame.height(), dstData, dstStride);
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
    } finally {
      if (sws != null) sws_freeContext(sws);
      dstData.close();
      dstStride.close();
      if (pixels != null) pixels.close();
    }
  }

  private void stopThread() {
    target = null;
    Thread t = thread;
    if (t == null) return;
    stopping = true;
    LockSupport.unpark(t);
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread = null;
    AVFrame left = mailbox.getAndSet(null);
    if (left != null) av_frame_free(left);
  }

  @Override
  public synchronized void close() {
    stopThread();
  }
}
