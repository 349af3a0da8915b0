package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;

/**
 * The machine-readable time code burnt into the top of the test pattern: 3 rows of 32 square
 * black/white blocks (MSB first, white = 1), as wide as the picture, so they survive H.264 at low
 * bitrates and scaling.
 *
 * <pre>
 * row 0: frame number (32 bits)
 * row 1: capture wall-clock ms since the epoch, bits 47..32 (16 bits) | checksum (16 bits)
 * row 2: capture wall-clock ms, bits 31..0
 * </pre>
 * The checksum lets a reader reject a frame whose code was damaged (scene cut, heavy artefacts).
 */
public final class BlockCode {
  public static final int COLUMNS = 32;
  public static final int ROWS = 3;

  private BlockCode() {}

  /** Block edge in pixels for a picture width: even, at least 4. */
  public static int blockSize(int width) {
    return Math.max(4, (width / COLUMNS) & ~1);
  }

  /** Height of the band the code occupies. */
  public static int bandHeight(int width) {
    return ROWS * blockSize(width);
  }

  public static int checksum(long frame, long wallMillis) {
    long x = (frame & 0xFFFFFFFFL) ^ (wallMillis & 0xFFFF_FFFF_FFFFL) * 0x9E37_79B9L ^ 0xA5A5;
    x ^= x >>> 16;
    x ^= x >>> 32;
    return (int) (x & 0xFFFF);
  }

  /** The three 32-bit rows for a frame. */
  public static int[] rows(long frame, long wallMillis) {
    long ms = wallMillis & 0xFFFF_FFFF_FFFFL;
    return new int[] {(int) frame, (int) ((ms >>> 32) << 16 | checksum(frame, wallMillis)), (int) ms};
  }

  /** Draws the code into a writable yuv420p frame (luma blocks, neutral chroma under the band). */
  public static void draw(AVFrame frame, long frameNumber, long wallMillis) {
    if (frame.format() != AV_PIX_FMT_YUV420P) throw new IllegalArgumentException("block code needs yuv420p");
    int width = frame.width();
    int bs = blockSize(width);
    int bandHeight = Math.min(frame.height(), ROWS * bs);
    int[] rows = rows(frameNumber, wallMillis);
    Pointer y = frame.data(0);
    int ls = frame.linesize(0);
    int lastColumn = Math.min(COLUMNS, width / bs);
    for (int r = 0; r < ROWS; r++) {
      int first = r * bs;
      int end = Math.min((r + 1) * bs, bandHeight);
      if (first >= end) break;
      // paint the first line of this block row, then copy it down: ~bs + 32 native calls, not 32 * bs
      Pointer line0 = y.getPointer((long) first * ls);
      for (int c = 0; c < lastColumn; c++) {
        boolean one = (rows[r] >>> (31 - c) & 1) != 0;
        Pointer.memset(line0.getPointer((long) c * bs), one ? 235 : 16, bs);
      }
      for (int line = first + 1; line < end; line++) {
        Pointer.memcpy(y.getPointer((long) line * ls), line0, (long) lastColumn * bs);
      }
    }
    for (int plane = 1; plane <= 2; plane++) {
      Pointer p = frame.data(plane);
      int cls = frame.linesize(plane);
      for (int line = 0; line < bandHeight / 2; line++) {
        Pointer.memset(p.getPointer((long) line * cls), 128, (width + 1) / 2);
      }
    }
  }
}
