package studio.tally.media;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

/**
 * 48 kHz stereo float frames of any length in, the 10 ms blocks of interleaved signed 16-bit stereo
 * PCM that libwebrtc takes out: one thread writes (the scene thread, a tone), another may drain (a
 * call's source thread). Writing copies the samples under a short lock and never waits for the
 * reader: at most {@value #MAX_BACKLOG_BLOCKS} blocks are kept, so a reader that stalls loses the older
 * sound (counted in {@link #dropped}) rather than bursting seconds of it into a call, or holding up
 * the mixer.
 */
public final class PcmBlocks {
  public static final int SAMPLE_RATE = 48_000;
  public static final int CHANNELS = 2;
  /** Sample frames in one 10 ms block. */
  public static final int BLOCK = SAMPLE_RATE / 100;
  static final int MAX_BACKLOG_BLOCKS = 10;

  /** Receives one 10 ms block; the array is reused after the call returns. */
  @FunctionalInterface
  public interface BlockSink {
    void onBlock(byte[] pcm);
  }

  private final Object lock = new Object();
  // interleaved, already s16: a ring of whole sample frames
  private final short[] ring = new short[(MAX_BACKLOG_BLOCKS + 1) * BLOCK * CHANNELS + 8192 * CHANNELS];
  private int start; // sample frame index of the oldest (in ring frames)
  private int size; // sample frames held
  private long dropped;
  private float[] left = new float[0]; // writer only
  private float[] right = new float[0];
  private final short[] out = new short[BLOCK * CHANNELS]; // reader only
  private final byte[] block = new byte[BLOCK * CHANNELS * 2];

  /**
   * Copies a frame of 48 kHz float samples: planar (fltp: one plane per channel) or mono planar; a
   * mono frame goes to both channels. Longer than the ring (over ~0.27 s): only its end is kept.
   */
  public void write(AVFrame frame) {
    int n = frame.nb_samples();
    if (n <= 0) return;
    if (frame.sample_rate() != 0 && frame.sample_rate() != SAMPLE_RATE) {
      throw new IllegalArgumentException("PcmBlocks takes " + SAMPLE_RATE + " Hz, got " + frame.sample_rate());
    }
    if (left.length < n) {
      left = new float[n];
      right = new float[n];
    }
    int channels = Math.max(1, frame.ch_layout().nb_channels());
    new FloatPointer(frame.data(0)).get(left, 0, n);
    if (channels > 1) new FloatPointer(frame.data(1)).get(right, 0, n);
    else System.arraycopy(left, 0, right, 0, n);
    write(left, right, n);
  }

  /** Copies n sample frames of two float channels (−1..1, clipped). */
  public void write(float[] l, float[] r, int n) {
    int frames = ring.length / CHANNELS;
    synchronized (lock) {
      int from = 0;
      if (n > frames) { // only the end fits
        dropped += n - frames;
        from = n - frames;
      }
      int over = size + (n - from) - frames;
      if (over > 0) { // the oldest make room
        start = (start + over) % frames;
        size -= over;
        dropped += over;
      }
      int at = (start + size) % frames;
      for (int i = from; i < n; i++) {
        ring[at * 2] = s16(l[i]);
        ring[at * 2 + 1] = s16(r[i]);
        if (++at == frames) at = 0;
      }
      size += n - from;
    }
  }

  /**
   * Hands every whole 10 ms block held to sink, oldest first, after dropping all but the newest
   * {@value #MAX_BACKLOG_BLOCKS}; a part block waits for the rest. The sink runs outside the lock.
   */
  public void drain(BlockSink sink) {
    while (take()) {
      sink.onBlock(block);
    }
  }

  /** Sample frames lost to a full ring or an old backlog since the start. */
  public long dropped() {
    synchronized (lock) {
      return dropped;
    }
  }

  /** Moves the oldest whole block into {@code block}; false when there is none. */
  private boolean take() {
    int frames = ring.length / CHANNELS;
    synchronized (lock) {
      int whole = size / BLOCK;
      if (whole == 0) return false;
      if (whole > MAX_BACKLOG_BLOCKS) {
        int skip = (whole - MAX_BACKLOG_BLOCKS) * BLOCK;
        start = (start + skip) % frames;
        size -= skip;
        dropped += skip;
      }
      int first = Math.min(BLOCK, frames - start);
      System.arraycopy(ring, start * 2, out, 0, first * 2);
      System.arraycopy(ring, 0, out, first * 2, (BLOCK - first) * 2);
      start = (start + BLOCK) % frames;
      size -= BLOCK;
    }
    for (int i = 0; i < out.length; i++) {
      block[i * 2] = (byte) out[i];
      block[i * 2 + 1] = (byte) (out[i] >> 8);
    }
    return true;
  }

  private static short s16(float v) {
    return (short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767f);
  }
}
