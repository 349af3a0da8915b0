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

  /**
   * Why this source delivers silence for now (a device that stalled or went away and is being
   * reconnected), or null while it captures. Unlike {@link #failure()} the source stays in the scene
   * and recovers by itself. Any thread may ask.
   */
  default String problem() {
    return null;
  }

  @Override
  void close();
}
