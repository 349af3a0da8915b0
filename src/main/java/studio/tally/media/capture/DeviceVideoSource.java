package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.MediaException;

/**
 * A screen or camera: the device is read as fast as it delivers, and the session samples the
 * latest picture at each tick ({@link #frameAt} hands out a new reference — no pixel copy).
 * Opening waits for the first picture so the scene knows the real size and format.
 */
public final class DeviceVideoSource implements VideoSource {
  private final String name;
  private final DeviceInput device;
  private final Object lock = new Object();
  private AVFrame latest = av_frame_alloc();
  private boolean hasFrame;
  private final int width;
  private final int height;
  private final int pixelFormat;
  private final long stallNanos;
  private volatile long lastPictureNanos;

  private DeviceVideoSource(String name, DeviceInput device, long firstFrameTimeoutMillis, long stallMillis) {
    this.name = name;
    this.device = device;
    this.stallNanos = stallMillis * 1_000_000;
    device.start(this::offer);
    long deadline = System.nanoTime() + firstFrameTimeoutMillis * 1_000_000;
    synchronized (lock) {
      while (!hasFrame) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || device.error() != null) {
          close();
          throw new MediaException(name + " delivered no picture within " + firstFrameTimeoutMillis + " ms"
              + (device.error() != null ? ": " + device.error() : ""));
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
  }

  /**
   * Opens a video capture device: format is the libavdevice name (x11grab, v4l2, gdigrab, dshow,
   * avfoundation), url its device string, options its AVOptions (framerate, video_size, ...).
   */
  public static DeviceVideoSource open(String name, String format, String url, Map<String, String> options) {
    return new DeviceVideoSource(name, DeviceInput.open(format, url, options, AVMEDIA_TYPE_VIDEO), 5000,
        STALL_MILLIS);
  }

  /**
   * No picture for this long (while the device reports no error) is a stall. Screen grabs and cameras
   * deliver at their frame rate whether or not anything moves, so a second and a half is about 45
   * missed frames at 30 fps, and 15 at the slowest rate a user sets (10 fps): never a slow frame.
   */
  static final long STALL_MILLIS = 1500;

  private void offer(AVFrame frame) {
    synchronized (lock) {
      av_frame_unref(latest);
      av_frame_move_ref(latest, frame);
      hasFrame = true;
      lastPictureNanos = System.nanoTime();
      lock.notifyAll();
    }
    av_frame_free(frame);
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
      if (latest.width() != width || latest.height() != height || latest.format() != pixelFormat) {
        return null; // the device changed mode mid-session: keep the last good picture in the scene
      }
      AVFrame ref = av_frame_clone(latest);
      ref.pts(sessionMicros);
      return ref;
    }
  }

  /** Why capture stopped, or null while it runs. */
  public String error() {
    return device.error();
  }

  @Override
  public String failure() {
    return device.error();
  }

  /**
   * "stalled: no picture for N s …" while the device, without an error, has delivered
   * nothing for {@link #STALL_MILLIS}; null again with its next picture.
   */
  @Override
  public String problem() {
    if (device.error() != null) return null; // a failure, said by failure()
    long since = System.nanoTime() - lastPictureNanos;
    if (since <= stallNanos) return null;
    return String.format(Locale.ROOT, "stalled: no picture for %.1f s (capture frozen or paused)", since / 1e9);
  }

  @Override
  public void close() {
    device.close();
    synchronized (lock) {
      if (latest != null) {
        av_frame_free(latest);
        latest = null;
      }
    }
  }
}
