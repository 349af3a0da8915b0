package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.nio.ByteBuffer;
import java.time.Clock;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;

/**
 * The {@link TestPattern} (block-coded time code, readable by {@link TimecodeReader}) as plain I420
 * planes, for callers outside {@code media} that must not touch FFmpeg types (a call's test source).
 */
public final class I420Pattern implements AutoCloseable {
  /** Receives one picture; the planes are valid only during the call. */
  @FunctionalInterface
  public interface Sink {
    void accept(int width, int height, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV);
  }

  private final SessionClock clock = SessionClock.start(Clock.systemUTC());
  private final TestPattern pattern;

  public I420Pattern(String name, int width, int height, int fps) {
    pattern = new TestPattern(name, new VideoFormat(width, height, fps), clock);
  }

  /** Renders the picture for now and hands its planes to {@code sink}. */
  public void next(Sink sink) {
    AVFrame f = pattern.frameAt(clock.micros());
    try {
      int h = f.height();
      sink.accept(f.width(), h, plane(f, 0, h), f.linesize(0), plane(f, 1, h / 2), f.linesize(1),
          plane(f, 2, h / 2), f.linesize(2));
    } finally {
      av_frame_free(f);
    }
  }

  private static ByteBuffer plane(AVFrame f, int i, int lines) {
    return f.data(i).capacity((long) f.linesize(i) * lines).asByteBuffer();
  }

  @Override
  public void close() {
    pattern.close();
  }
}
