package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.MediaException;

/**
 * A screen or camera: the device is read as fast as it delivers, and the session samples the
 * latest picture at each tick ({@link #frameAt} hands out a new reference — no pixel copy).
 * Opening waits for the first picture so the scene knows the real size and format.
 *
 * <p>Trouble: a device that delivers nothing for {@link #STALL_MILLIS} without an error (a frozen X
 * server, a paused camera) is "stalled" and its last picture stays; one whose reader ended (the X
 * display went away, the camera was unplugged) is "disconnected": black takes its place and it is
 * reopened every second until it delivers again in the same size and format. Either way
 * {@link #problem()} says so and the scene goes on; {@link #failure()} stays null.
 */
public final class DeviceVideoSource implements VideoSource {
  private static final Logger log = LoggerFactory.getLogger(DeviceVideoSource.class);
  private static final long RETRY_NANOS = 1_000_000_000L;

  private final String name;
  private final String format;
  private final String url;
  private final Map<String, String> options;
  private volatile DeviceInput device;
  private final Object lock = new Object();
  private AVFrame latest = av_frame_alloc();
  private AVFrame black; // made on the first disconnection, in the source's size and format
  private boolean hasFrame;
  private final int width;
  private final int height;
  private final int pixelFormat;
  private final long stallNanos;
  private volatile long lastPictureNanos;
  private volatile String disconnected;
  private volatile boolean closed;
  private Thread watchdog;

  private DeviceVideoSource(String name, String format, String url, Map<String, String> options,
      long firstFrameTimeoutMillis, long stallMillis) {
    this.name = name;
    this.format = format;
    this.url = url;
    this.options = Map.copyOf(options);
    this.stallNanos = stallMillis * 1_000_000;
    DeviceInput first = DeviceInput.open(format, url, options, AVMEDIA_TYPE_VIDEO);
    this.device = first;
    first.start(this::offer);
    long deadline = System.nanoTime() + firstFrameTimeoutMillis * 1_000_000;
    synchronized (lock) {
      while (!hasFrame) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || first.error() != null) {
          close();
          throw new MediaException(name + " delivered no picture within " + firstFrameTimeoutMillis + " ms"
              + (first.error() != null ? ": " + first.error() : ""));
        }
        try {
          lock.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
          throw new MediaException("interrupted while opening " + name);
        }
      }
      width = latest.width();
      height = latest.height();
      pixelFormat = latest.format();
    }
    watchdog = Thread.ofVirtual().name("tally-capture-watch " + name).start(this::watch);
  }

  /**
   * Opens a video capture device: format is the libavdevice name (x11grab, v4l2, gdigrab, dshow,
   * avfoundation), url its device string, options its AVOptions (framerate, video_size, ...).
   */
  public static DeviceVideoSource open(String name, String format, String url, Map<String, String> options) {
    return new DeviceVideoSource(name, format, url, options, 5000, STALL_MILLIS);
  }

  /**
   * No picture for this long (while the device reports no error) is a stall. Screen grabs and cameras
   * deliver at their frame rate whether or not anything moves, so a second and a half is about 45
   * missed frames at 30 fps, and 15 at the slowest rate a user sets (10 fps): never a slow frame.
   */
  static final long STALL_MILLIS = 1500;

  private void offer(AVFrame frame) {
    synchronized (lock) {
      if (latest == null) { // closed
        av_frame_free(frame);
        return;
      }
      boolean sameMode = !hasFrame
          || frame.width() == width && frame.height() == height && frame.format() == pixelFormat;
      av_frame_unref(latest);
      av_frame_move_ref(latest, frame);
      hasFrame = true;
      lastPictureNanos = System.nanoTime();
      if (disconnected != null && sameMode) {
        disconnected = null;
        log.info("{}: capturing again", name);
      }
      lock.notifyAll();
    }
    av_frame_free(frame);
  }

  /** Disconnection and reconnection, checked every 100 ms on a thread of its own. */
  private void watch() {
    long nextRetry = 0;
    while (!closed) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      DeviceInput d = device;
      if (d != null && d.error() != null) {
        String why = "disconnected: " + d.error();
        log.info("{}: {}; showing black, reopening every second", name, why);
        synchronized (lock) {
          disconnected = why;
          device = null;
        }
        d.stop();
        Thread.ofPlatform().name("tally-capture-close " + name).daemon().start(d::close);
        nextRetry = System.nanoTime() + RETRY_NANOS;
      } else if (d == null && System.nanoTime() >= nextRetry) {
        nextRetry = System.nanoTime() + RETRY_NANOS;
        reopen();
      }
    }
  }

  private void reopen() {
    String before = disconnected;
    String why = before == null ? "disconnected" : before.replaceFirst("; reconnecting \\(.*\\)$", "");
    DeviceInput input;
    try {
      input = DeviceInput.open(format, url, options, AVMEDIA_TYPE_VIDEO);
    } catch (MediaException e) {
      disconnected = why + "; reconnecting (" + e.getMessage() + ")";
      return;
    }
    synchronized (lock) {
      if (closed) {
        input.close();
        return;
      }
      device = input;
    }
    // "capturing again" once its first picture in the same size and format arrives (offer)
    input.start(this::offer);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public int pixelFormat() {
    return pixelFormat;
  }

  @Override
  public AVFrame frameAt(long sessionMicros) {
    synchronized (lock) {
      if (!hasFrame || latest == null) return null;
      if (disconnected != null) {
        if (black == null) black = blackFrame();
        if (black != null) {
          AVFrame ref = av_frame_clone(black);
          ref.pts(sessionMicros);
          return ref;
        }
      }
      if (latest.width() != width || latest.height() != height || latest.format() != pixelFormat) {
        return null; // the device changed mode mid-session: keep the last good picture in the scene
      }
      AVFrame ref = av_frame_clone(latest);
      ref.pts(sessionMicros);
      return ref;
    }
  }

  /** A picture of the source's size and format filled with black, or null if FFmpeg cannot fill that format. */
  private AVFrame blackFrame() {
    AVFrame f = av_frame_alloc();
    f.width(width);
    f.height(height);
    f.format(pixelFormat);
    if (av_frame_get_buffer(f, 0) < 0) {
      av_frame_free(f);
      return null;
    }
    try (var lines = new org.bytedeco.javacpp.SizeTPointer(4)) {
      for (int i = 0; i < 4; i++) lines.put(i, f.linesize(i));
      if (av_image_fill_black(f.data(), lines, pixelFormat, AVCOL_RANGE_MPEG, width, height) < 0) {
        av_frame_free(f);
        return null;
      }
    }
    return f;
  }

  /** Why capture is disconnected right now (it is being reopened), or null. */
  public String error() {
    return disconnected;
  }

  /** Null: a device that goes away is reopened, not replaced; {@link #problem()} says why it is black. */
  @Override
  public String failure() {
    return null;
  }

  /**
   * "stalled: no picture for N s …" while the device, without an error, has delivered
   * nothing for {@link #STALL_MILLIS}; null again with its next picture.
   */
  @Override
  public String problem() {
    String gone = disconnected;
    if (gone != null) return gone;
    DeviceInput d = device;
    if (d != null && d.error() != null) return "disconnected: " + d.error(); // until the watchdog sees it
    long since = System.nanoTime() - lastPictureNanos;
    if (since <= stallNanos) return null;
    return String.format(Locale.ROOT, "stalled: no picture for %.1f s (capture frozen or paused)", since / 1e9);
  }

  @Override
  public void close() {
    DeviceInput d;
    synchronized (lock) {
      closed = true;
      d = device;
      device = null;
    }
    if (watchdog != null) watchdog.interrupt();
    if (d != null) d.close();
    synchronized (lock) {
      if (latest != null) {
        av_frame_free(latest);
        latest = null;
      }
      if (black != null) {
        av_frame_free(black);
        black = null;
      }
    }
  }
}
