package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.Av;

/**
 * One colour, yuv420p: what the scene shows in place of a source that failed (black, same size, so
 * the layout does not move), and a plain picture to compose. The picture is allocated once; each
 * {@link #frameAt} hands out a new reference to it.
 */
public final class SolidPicture implements VideoSource {
  private final String name;
  private final int width;
  private final int height;
  private AVFrame picture;

  /** rgb as 0xRRGGBB; width and height even. */
  public SolidPicture(String name, int width, int height, int rgb) {
    Av.load();
    if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("picture size " + width + "x" + height + " must be even and ≥ 2");
    }
    this.name = name;
    this.width = width;
    this.height = height;
    int r = rgb >> 16 & 0xFF;
    int g = rgb >> 8 & 0xFF;
    int b = rgb & 0xFF;
    // BT.601 limited range, what yuv420p without a colour range tag means to swscale
    int y = (int) Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
    int u = (int) Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
    int v = (int) Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
    picture = av_frame_alloc();
    picture.format(AV_PIX_FMT_YUV420P);
    picture.width(width);
    picture.height(height);
    Av.check(av_frame_get_buffer(picture, 0), "solid picture buffer");
    Pointer.memset(picture.data(0), y, (long) picture.linesize(0) * height);
    Pointer.memset(picture.data(1), u, (long) picture.linesize(1) * (height / 2));
    Pointer.memset(picture.data(2), v, (long) picture.linesize(2) * (height / 2));
  }

  /** Black of the given size (odd sizes are rounded up to even). */
  public static SolidPicture black(String name, int width, int height) {
    return new SolidPicture(name, Math.max(2, width + (width & 1)), Math.max(2, height + (height & 1)), 0);
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
    return AV_PIX_FMT_YUV420P;
  }

  @Override
  public synchronized AVFrame frameAt(long sessionMicros) {
    if (picture == null) throw new IllegalStateException(name + " is closed");
    AVFrame ref = av_frame_clone(picture);
    ref.pts(sessionMicros);
    return ref;
  }

  @Override
  public synchronized void close() {
    if (picture != null) {
      av_frame_free(picture);
      picture = null;
    }
  }
}
