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

  /**
   * Why this source stopped delivering (device unplugged, capture error), or null while it works.
   * The session polls it every frame and replaces a failed source.
   */
  default String failure() {
    return null;
  }

  @Override
  void close();
}
