package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;

import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Reads {@link BlockCode} back from a decoded picture (yuv420p/nv12: only luma is read). Each
 * block is judged by the mean of a 4x4 grid of samples around its centre against mid-grey, so
 * ringing at block edges does not matter. Returns empty when the checksum does not match.
 */
public final class TimecodeReader {

  /** Luma sample access, so the reader works on AVFrames and on plain arrays alike. */
  @FunctionalInterface
  public interface Luma {
    int at(int x, int y);
  }

  private TimecodeReader() {}

  public static Optional<Timecode> read(AVFrame frame) {
    int fmt = frame.format();
    if (fmt != AV_PIX_FMT_YUV420P && fmt != AV_PIX_FMT_YUVJ420P && fmt != AV_PIX_FMT_NV12) {
      throw new IllegalArgumentException("timecode reader needs a yuv420p/nv12 frame, got pixel format " + fmt);
    }
    BytePointer y = frame.data(0);
    int ls = frame.linesize(0);
    return read((x, line) -> y.get((long) line * ls + x) & 0xFF, frame.width(), frame.height());
  }

  public static Optional<Timecode> read(Luma luma, int width, int height) {
    int bs = BlockCode.blockSize(width);
    if (height < BlockCode.ROWS * bs || width < BlockCode.COLUMNS * bs) return Optional.empty();
    int[] rows = new int[BlockCode.ROWS];
    for (int r = 0; r < BlockCode.ROWS; r++) {
      int bits = 0;
      for (int c = 0; c < BlockCode.COLUMNS; c++) {
        int sum = 0;
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            int x = c * bs + bs / 4 + (i * bs) / 8;
            int yy = r * bs + bs / 4 + (j * bs) / 8;
            sum += luma.at(x, yy);
          }
        }
        bits = bits << 1 | (sum / 16 > 125 ? 1 : 0);
      }
      rows[r] = bits;
    }
    long frame = rows[0] & 0xFFFFFFFFL;
    long ms = ((long) (rows[1] >>> 16) << 32) | (rows[2] & 0xFFFFFFFFL);
    if ((rows[1] & 0xFFFF) != BlockCode.checksum(frame, ms)) return Optional.empty();
    return Optional.of(new Timecode(frame, ms));
  }
}
