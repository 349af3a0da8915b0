package studio.tally.media.capture;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/** A sound producer the session drains up to each output frame's time. */
public interface AudioSource extends AutoCloseable {

  String name();

  int sampleRate();

  int channels();

  /** AV_SAMPLE_FMT_* of the frames {@link #next} returns. */
  int sampleFormat();

  /**
   * The next frame of samples that lies before session time untilMicros, with pts in samples
   * (1/sampleRate) since session start; the caller owns it. Null when there is none (yet).
   */
  AVFrame next(long untilMicros);

  @Override
  void close();
}
