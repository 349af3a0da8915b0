package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;
import studio.tally.media.Av;

/**
 * 48 kHz stereo silence from a given session time on: what the mix hears in place of a source that
 * failed, and what keeps the audio track going when the scene has no audio input.
 */
public final class Silence implements AudioSource {
  public static final int SAMPLE_RATE = 48_000;
  private static final int MAX_FRAME = 4800;

  private final String name;
  private long produced;

  /** Silence whose first sample lies at session time startMicros. */
  public Silence(String name, long startMicros) {
    Av.load();
    this.name = name;
    this.produced = Math.max(0, startMicros) * SAMPLE_RATE / 1_000_000L;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int sampleRate() {
    return SAMPLE_RATE;
  }

  @Override
  public int channels() {
    return 2;
  }

  @Override
  public int sampleFormat() {
    return AV_SAMPLE_FMT_FLTP;
  }

  @Override
  public AVFrame next(long untilMicros) {
    long target = untilMicros * SAMPLE_RATE / 1_000_000L;
    int n = (int) Math.min(target - produced, MAX_FRAME);
    if (n <= 0) return null;
    AVFrame frame = av_frame_alloc();
    frame.format(AV_SAMPLE_FMT_FLTP);
    frame.sample_rate(SAMPLE_RATE);
    frame.nb_samples(n);
    av_channel_layout_default(frame.ch_layout(), 2);
    Av.check(av_frame_get_buffer(frame, 0), "silence buffer");
    for (int ch = 0; ch < 2; ch++) Pointer.memset(frame.data(ch), 0, (long) n * Float.BYTES);
    frame.pts(produced);
    produced += n;
    return frame;
  }

  @Override
  public void close() {}
}
