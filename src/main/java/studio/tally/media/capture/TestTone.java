package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import studio.tally.media.Av;
import studio.tally.media.SessionClock;

/**
 * A steady 1 kHz tone at −20 dBFS with a 100 ms 880 Hz beep at −6 dBFS starting on every whole
 * wall-clock second — the same seconds the test pattern's time code counts, so a player can
 * measure A/V sync. 48 kHz stereo float planar; samples are counted from session start, never
 * from a timer, so audio cannot drift from the session clock.
 */
public final class TestTone implements AudioSource {
  public static final int SAMPLE_RATE = 48_000;
  public static final double TONE_HZ = 1000;
  public static final double BEEP_HZ = 880;
  public static final int BEEP_SAMPLES = SAMPLE_RATE / 10;

  private final long firstSampleOffset; // samples between the last wall-clock second and session start
  private long produced;
  private double phase;

  public TestTone(SessionClock clock) {
    Av.load();
    long wallStart = clock.wallMicros(0);
    firstSampleOffset = Math.floorMod(wallStart, 1_000_000L) * SAMPLE_RATE / 1_000_000L;
  }

  @Override
  public String name() {
    return "test tone";
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

  /** Whether sample n (since session start) lies in a beep. */
  public boolean beepAt(long n) {
    return (firstSampleOffset + n) % SAMPLE_RATE < BEEP_SAMPLES;
  }

  @Override
  public AVFrame next(long untilMicros) {
    long target = untilMicros * SAMPLE_RATE / 1_000_000L;
    int n = (int) Math.min(target - produced, SAMPLE_RATE);
    if (n <= 0) return null;
    float[] samples = new float[n];
    for (int i = 0; i < n; i++) {
      boolean beep = beepAt(produced + i);
      double hz = beep ? BEEP_HZ : TONE_HZ;
      phase += 2 * Math.PI * hz / SAMPLE_RATE;
      if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
      samples[i] = (float) (Math.sin(phase) * (beep ? 0.5 : 0.1));
    }
    AVFrame frame = av_frame_alloc();
    frame.format(AV_SAMPLE_FMT_FLTP);
    frame.sample_rate(SAMPLE_RATE);
    frame.nb_samples(n);
    av_channel_layout_default(frame.ch_layout(), 2);
    Av.check(av_frame_get_buffer(frame, 0), "test tone buffer");
    for (int ch = 0; ch < 2; ch++) {
      new FloatPointer(frame.data(ch)).put(samples, 0, n);
    }
    frame.pts(produced);
    produced += n;
    return frame;
  }

  @Override
  public void close() {}
}
