package studio.tally.media.decode;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.nio.ByteOrder;
import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.capture.Timecode;
import studio.tally.media.capture.TimecodeReader;

/**
 * A decoded picture, lent by {@link VideoDecoder} for the duration of one callback: size, pts, the
 * test pattern's time code when the picture carries one, and its pixels as ARGB ints (for a window)
 * or tight I420 (for tools) on request. Copy what you keep.
 */
public final class DecodedPicture {
  private AVFrame frame;
  private SwsContext sws;
  private AVFrame converted;

  DecodedPicture() {}

  void lend(AVFrame f) {
    frame = f;
  }

  private AVFrame frame() {
    if (frame == null) throw new IllegalStateException("a DecodedPicture is valid only during its callback");
    return frame;
  }

  public int width() {
    return frame().width();
  }

  public int height() {
    return frame().height();
  }

  /** Presentation time from the stream, µs (AV_NOPTS_VALUE shows as Long.MIN_VALUE). */
  public long ptsMicros() {
    long pts = frame().best_effort_timestamp();
    return pts == AV_NOPTS_VALUE ? Long.MIN_VALUE : pts;
  }

  /** True for 8-bit 4:2:0 pictures, the ones whose luma {@link #timecode()} can read. */
  public boolean isEightBit420() {
    int f = frame().format();
    return f == AV_PIX_FMT_YUV420P || f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_NV12;
  }

  /** The block time code of our test pattern, if this picture carries an intact one. */
  public Optional<Timecode> timecode() {
    if (!isEightBit420()) return Optional.empty();
    return TimecodeReader.read(frame());
  }

  /** The luma sample at (x, y), 8-bit pictures only. */
  public int luma(int x, int y) {
    if (!isEightBit420()) throw new IllegalStateException("luma access needs an 8-bit 4:2:0 picture");
    if (x < 0 || y < 0 || x >= width() || y >= height()) {
      throw new IndexOutOfBoundsException("pixel " + x + "," + y + " outside " + width() + "x" + height());
    }
    BytePointer p = frame.data(0);
    return p.get((long) y * frame.linesize(0) + x) & 0xFF;
  }

  /** Converts to ARGB ints, rows of exactly width, into out (at least width × height long). */
  public void toArgb(int[] out) {
    AVFrame c = convert(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? AV_PIX_FMT_BGRA : AV_PIX_FMT_ARGB);
    int w = width();
    int h = height();
    if (out.length < w * h) throw new IllegalArgumentException("need " + w * h + " ints, got " + out.length);
    IntPointer data = new IntPointer(c.data(0));
    int strideInts = c.linesize(0) / 4;
    for (int y = 0; y < h; y++) {
      data.position((long) y * strideInts).get(out, y * w, w);
    }
  }

  /** Converts to tight I420 (Y, then U, then V; chroma rounded up) and returns the bytes. */
  public byte[] toI420() {
    AVFrame c = convert(AV_PIX_FMT_YUV420P);
    int w = width();
    int h = height();
    int cw = (w + 1) / 2;
    int ch = (h + 1) / 2;
    byte[] out = new byte[w * h + 2 * cw * ch];
    int at = 0;
    for (int plane = 0; plane < 3; plane++) {
      int pw = plane == 0 ? w : cw;
      int ph = plane == 0 ? h : ch;
      BytePointer data = c.data(plane);
      for (int y = 0; y < ph; y++) {
        data.position((long) y * c.linesize(plane)).get(out, at, pw);
        at += pw;
      }
      data.position(0);
    }
    return out;
  }

  private AVFrame convert(int pixelFormat) {
    AVFrame src = frame();
    if (src.format() == pixelFormat) return src;
    if (converted == null || converted.width() != src.width() || converted.height() != src.height()
        || converted.format() != pixelFormat) {
      if (converted != null) av_frame_free(converted);
      converted = av_frame_alloc();
      converted.format(pixelFormat);
      converted.width(src.width());
      converted.height(src.height());
      Av.check(av_frame_get_buffer(converted, 0), "converted picture");
    }
    sws = sws_getCachedContext(sws, src.width(), src.height(), src.format(), src.width(), src.height(), pixelFormat,
        SWS_BILINEAR, null, null, (DoublePointer) null);
    if (sws == null) throw new MediaException("swscale cannot convert pixel format " + src.format());
    Av.check(sws_scale(sws, src.data(), src.linesize(), 0, src.height(), converted.data(), converted.linesize()),
        "picture conversion");
    return converted;
  }

  void close() {
    if (sws != null) sws_freeContext(sws);
    sws = null;
    if (converted != null) av_frame_free(converted);
    converted = null;
  }
}
