package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.time.Clock;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.PcmBlocks;
import studio.tally.media.SessionClock;

/**
 * The test source's sound ({@link TestTone}: 1 kHz at −20 dBFS, an 880 Hz beep at −6 dBFS on every
 * whole wall-clock second) as the 10 ms blocks of interleaved signed 16-bit stereo PCM that libwebrtc
 * takes. Samples are counted against the session clock, so the sound keeps real time and the beeps
 * stay on the whole seconds: {@link #drain} hands over what is due by then, but never more than
 * 100 ms at once ({@link PcmBlocks}) (a late first call, or a pause, drops the older ones
 * rather than bursting seconds of sound into a call). One thread at a time.
 */
public final class TonePcm implements AutoCloseable {
  public static final int SAMPLE_RATE = TestTone.SAMPLE_RATE;
  public static final int CHANNELS = PcmBlocks.CHANNELS;

  private final SessionClock clock;
  private final TestTone tone;
  private final PcmBlocks blocks = new PcmBlocks();

  public TonePcm() {
    this.clock = SessionClock.start(Clock.systemUTC());
    this.tone = new TestTone(clock);
  }

  /** Hands every whole 10 ms block due by now to sink (the array is reused after each call). */
  public void drain(PcmBlocks.BlockSink sink) {
    AVFrame f;
    while ((f = tone.next(clock.micros())) != null) {
      try {
        blocks.write(f);
      } finally {
        av_frame_free(f);
      }
    }
    blocks.drain(sink);
  }

  @Override
  public void close() {
    tone.close();
  }
}
