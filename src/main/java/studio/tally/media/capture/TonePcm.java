package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.time.Clock;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import studio.tally.media.SessionClock;

/**
 * The test source's sound ({@link TestTone}: 1 kHz at −20 dBFS, an 880 Hz beep at −6 dBFS on every
 * whole wall-clock second) as the 10 ms blocks of interleaved signed 16-bit stereo PCM that libwebrtc
 * takes. Samples are counted against the session clock, so the sound keeps real time and the beeps
 * stay on the whole seconds: {@link #drain} hands over what is due by then, but never more than
 * {@value #MAX_BACKLOG_BLOCKS} blocks at once (a late first call, or a pause, drops the older ones
 * rather than bursting seconds of sound into a call). One thread at a time.
 */
public final class TonePcm implements AutoCloseable {
  public static final int SAMPLE_RATE = TestTone.SAMPLE_RATE;
  public static final int CHANNELS = 2;
  private static final int BLOCK = SAMPLE_RATE / 100;
  private static final int MAX_BACKLOG_BLOCKS = 10;

  /** Receives one 10 ms block; the array is reused after the call returns. */
  @FunctionalInterface
  public interface BlockSink {
    void onBlock(byte[] pcm);
  }

  private final SessionClock clock;
  private final TestTone tone;
  private final float[] pending = new float[SAMPLE_RATE * 2];
  private int pendingSamples;
  private final byte[] block = new byte[BLOCK * CHANNELS * 2];

  public TonePcm() {
    this.clock = SessionClock.start(Clock.systemUTC());
    this.tone = new TestTone(clock);
  }

  /** Hands every whole 10 ms block due by now to sink. */
  public void drain(BlockSink sink) {
    AVFrame f;
    while ((f = tone.next(clock.micros())) != null) {
      try {
        int n = f.nb_samples();
        if (pendingSamples + n > pending.length) pendingSamples = 0; // a second behind: skip, keep real time
        new FloatPointer(f.data(0)).get(pending, pendingSamples, n); // both channels carry the same tone
        pendingSamples += n;
      } finally {
        av_frame_free(f);
      }
    }
    int used = Math.max(0, (pendingSamples / BLOCK - MAX_BACKLOG_BLOCKS) * BLOCK);
    while (pendingSamples - used >= BLOCK) {
      for (int i = 0; i < BLOCK; i++) {
        int v = Math.round(Math.max(-1f, Math.min(1f, pending[used + i])) * 32767f);
        for (int ch = 0; ch < CHANNELS; ch++) {
          int o = (i * CHANNELS + ch) * 2;
          block[o] = (byte) v;
          block[o + 1] = (byte) (v >> 8);
        }
      }
      used += BLOCK;
      sink.onBlock(block);
    }
    System.arraycopy(pending, used, pending, 0, pendingSamples - used);
    pendingSamples -= used;
  }

  @Override
  public void close() {
    tone.close();
  }
}
