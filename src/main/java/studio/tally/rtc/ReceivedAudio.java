package studio.tally.rtc;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/**
 * What a call hears from its peer: the decoded PCM libwebrtc hands over (10 ms blocks of interleaved
 * signed 16-bit samples, on its audio thread), measured as it comes: samples per channel, the RMS level
 * since the first block, and the RMS of each 100 ms window stamped with the wall clock (the last
 * {@value #WINDOWS_KEPT} windows are kept), optionally written to a WAV file as received.
 */
public final class ReceivedAudio implements AudioFrameListener, AutoCloseable {
  /** RMS level of digital silence and anything quieter, dBFS. */
  public static final double FLOOR_DB = -120;
  static final int WINDOWS_KEPT = 600;
  private static final int WINDOW_MS = 100;

  /** The RMS level of the 100 ms of received audio that ended at {@code wallMillis}. */
  public record Level(long wallMillis, double rmsDb) {}

  /**
   * @param samples samples per channel received
   * @param sampleRate of the last block (0 before one)
   * @param channels of the last block (0 before one)
   * @param rmsDb RMS of everything received, dBFS ({@link #FLOOR_DB} for silence or nothing)
   */
  public record Figures(long samples, int sampleRate, int channels, double rmsDb, List<Level> levels) {}

  private final RandomAccessFile wav;
  private long samples;
  private int sampleRate;
  private int channels;
  private double sumSquares;
  private long values;
  private double windowSquares;
  private long windowValues;
  private long windowSamples;
  private final ArrayDeque<Level> levels = new ArrayDeque<>();
  private long wavBytes;
  private boolean closed;

  /** Measures only. */
  public ReceivedAudio() {
    this.wav = null;
  }

  /** Measures and writes what it receives to a 16-bit PCM WAV file at {@code wavFile} (replaced). */
  public ReceivedAudio(Path wavFile) throws IOException {
    var f = new RandomAccessFile(wavFile.toFile(), "rw");
    f.setLength(0);
    f.write(new byte[44]); // the header, once the format is known
    this.wav = f;
  }

  @Override
  public synchronized void onAudio(byte[] pcm, int bitsPerSample, int rate, int channelCount, int frames) {
    if (closed || bitsPerSample != 16 || channelCount <= 0) return;
    int n = Math.min(pcm.length / 2, frames * channelCount);
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double s = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32768.0;
      squares += s * s;
    }
    samples += frames;
    sampleRate = rate;
    channels = channelCount;
    sumSquares += squares;
    values += n;
    windowSquares += squares;
    windowValues += n;
    windowSamples += frames;
    if (windowSamples * 1000 >= (long) rate * WINDOW_MS) {
      if (levels.size() == WINDOWS_KEPT) levels.removeFirst();
      levels.addLast(new Level(System.currentTimeMillis(), db(windowSquares, windowValues)));
      windowSquares = 0;
      windowValues = 0;
      windowSamples = 0;
    }
    if (wav != null) {
      try {
        wav.write(pcm, 0, n * 2);
        wavBytes += n * 2L;
      } catch (IOException e) {
        closeQuietly(); // a full disk ends the recording, not the call
      }
    }
  }

  public synchronized Figures figures() {
    return new Figures(samples, sampleRate, channels, db(sumSquares, values), List.copyOf(levels));
  }

  private static double db(double squares, long n) {
    if (n == 0 || squares <= 0) return FLOOR_DB;
    return Math.max(FLOOR_DB, 10 * Math.log10(squares / n));
  }

  /** Finishes the WAV file's header. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    closed = true;
    if (wav == null) return;
    try (wav) {
      int rate = sampleRate == 0 ? 48_000 : sampleRate;
      int ch = channels == 0 ? 1 : channels;
      ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
      h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + wavBytes))
          .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
          .putShort((short) ch).putInt(rate).putInt(rate * ch * 2).putShort((short) (ch * 2)).putShort((short) 16)
          .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) wavBytes);
      wav.seek(0);
      wav.write(h.array());
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      // the recording is lost; the figures stay
    }
  }
}
