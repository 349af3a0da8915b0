package studio.tally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a recording's sound holds: its audio decoded by the bundled ffmpeg to 48 kHz mono float, then
 * RMS level and the spectrum (a radix-2 FFT with a Hann window) of a stretch of it.
 */
public final class ToneAnalysis {
  public static final int RATE = 48_000;

  private final float[] samples;

  private ToneAnalysis(float[] samples) {
    this.samples = samples;
  }

  /**
   * The first audio stream of file (stereo, or a mono WAV such as {@code tally call --audio-out} writes),
   * from fromSeconds for seconds, as the mean of its two channels.
   */
  public static ToneAnalysis of(Path file, double fromSeconds, double seconds) {
    Path raw = PeerFiles.newDir("tone").resolve("pcm.f32");
    String mono = monoWav(file) ? "pan=mono|c0=c0" : "pan=mono|c0=0.5*c0+0.5*c1";
    var p = Ffmpeg.bundled().start(List.of("-ss", fmt(fromSeconds), "-t", fmt(seconds), "-i", file.toString(),
        "-map", "0:a:0", "-af", mono, "-ar", Integer.toString(RATE), "-f", "f32le", raw.toString()));
    p.waitForSuccess(Duration.ofSeconds(60));
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
      float[] s = new float[b.remaining() / 4];
      b.asFloatBuffer().get(s);
      return new ToneAnalysis(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether file is a RIFF/WAVE file of one channel (its fmt chunk right after the header, as ours are). */
  private static boolean monoWav(Path file) {
    try (var in = Files.newInputStream(file)) {
      byte[] h = in.readNBytes(24);
      return h.length == 24 && new String(h, 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("RIFF")
          && new String(h, 8, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("WAVEfmt ")
          && ByteBuffer.wrap(h, 22, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() == 1;
    } catch (IOException e) {
      return false;
    }
  }

  /** The whole audio stream of file. */
  public static ToneAnalysis of(Path file) {
    return of(file, 0, 36_000);
  }

  public static ToneAnalysis of(float[] samples) {
    return new ToneAnalysis(samples.clone());
  }

  public int samples() {
    return samples.length;
  }

  public double seconds() {
    return samples.length / (double) RATE;
  }

  /** RMS of the whole stretch, dBFS (-200 for digital silence). */
  public double rmsDb() {
    return rmsDb(0, samples.length);
  }

  /** RMS of samples [from, to), dBFS. */
  public double rmsDb(int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) sum += (double) samples[i] * samples[i];
    double rms = Math.sqrt(sum / Math.max(1, to - from));
    return rms > 0 ? 20 * Math.log10(rms) : -200;
  }

  /**
   * RMS (dBFS) of what lies within ±2 % of hz in samples [from, to) (Hann-windowed FFT, energy of the
   * band): a tone that was resampled a little (clock-drift correction) still counts in full.
   */
  public double toneDb(double hz, int from, int to) {
    int n = Integer.highestOneBit(to - from);
    double[] re = new double[n];
    double[] im = new double[n];
    double sumW2 = 0;
    for (int i = 0; i < n; i++) {
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
      re[i] = samples[from + i] * w;
      sumW2 += w * w;
    }
    fft(re, im);
    int lo = (int) Math.floor(hz * 0.98 * n / RATE);
    int hi = (int) Math.ceil(hz * 1.02 * n / RATE);
    double energy = 0;
    for (int k = Math.max(1, lo); k <= Math.min(n / 2 - 1, hi); k++) energy += re[k] * re[k] + im[k] * im[k];
    // Parseval: a sine of RMS r puts r^2 * sumW2 * n / 2 into the positive-frequency bins
    double rms = Math.sqrt(2 * energy / (sumW2 * n));
    return rms > 0 ? 20 * Math.log10(rms) : -200;
  }

  /** Frequency (Hz) of the strongest spectral peak, interpolated between FFT bins. */
  public double dominantHz() {
    double[] mag = spectrum();
    int best = 1;
    for (int i = 2; i < mag.length - 1; i++) if (mag[i] > mag[best]) best = i;
    double a = mag[best - 1], b = mag[best], c = mag[best + 1];
    double shift = (a - 2 * b + c) == 0 ? 0 : 0.5 * (a - c) / (a - 2 * b + c);
    return (best + shift) * RATE / (2.0 * (mag.length - 1));
  }

  /** Spectral magnitude near hz (the largest of the three nearest bins), relative to the strongest peak, dB. */
  public double relativeDb(double hz) {
    double[] mag = spectrum();
    int bin = (int) Math.round(hz * 2.0 * (mag.length - 1) / RATE);
    double here = 0;
    for (int i = Math.max(0, bin - 2); i <= Math.min(mag.length - 1, bin + 2); i++) here = Math.max(here, mag[i]);
    double max = 0;
    for (double m : mag) max = Math.max(max, m);
    return 20 * Math.log10(Math.max(here, 1e-12) / max);
  }

  /** The positive-frequency magnitudes of the largest power-of-two stretch (at most 2^16 samples). */
  private double[] spectrum() {
    int n = Integer.highestOneBit(Math.min(samples.length, 1 << 16));
    if (n < 1024) throw new AssertionError("only " + samples.length + " samples of audio: too short for a spectrum");
    double[] re = new double[n];
    double[] im = new double[n];
    int offset = (samples.length - n) / 2;
    for (int i = 0; i < n; i++) re[i] = samples[offset + i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)));
    fft(re, im);
    double[] mag = new double[n / 2 + 1];
    for (int i = 0; i < mag.length; i++) mag[i] = Math.hypot(re[i], im[i]);
    return mag;
  }

  private static void fft(double[] re, double[] im) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        double t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      double angle = -2 * Math.PI / len;
      double wr = Math.cos(angle), wi = Math.sin(angle);
      for (int i = 0; i < n; i += len) {
        double cr = 1, ci = 0;
        for (int k = 0; k < len / 2; k++) {
          int a = i + k, b = i + k + len / 2;
          double xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
          re[b] = re[a] - xr; im[b] = im[a] - xi;
          re[a] += xr; im[a] += xi;
          double t = cr * wr - ci * wi;
          ci = cr * wi + ci * wr;
          cr = t;
        }
      }
    }
  }

  /** Start times (s) of the bursts whose 5 ms RMS rises above thresholdDb after at least 200 ms below it. */
  public List<Double> onsets(double thresholdDb) {
    List<Double> out = new ArrayList<>();
    int win = RATE / 200;
    long quietSince = 0;
    boolean loud = false;
    for (int i = 0; i + win <= samples.length; i += win) {
      boolean now = rmsDb(i, i + win) > thresholdDb;
      if (now && !loud && i - quietSince >= RATE / 5) out.add(i / (double) RATE);
      if (!now && loud) quietSince = i;
      loud = now;
    }
    return out;
  }

  private static String fmt(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }
}
