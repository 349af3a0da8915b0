package studio.tally.media.decode;

/**
 * What one decoded audio block held: its samples per channel, rate, channels and pts (µs). The
 * samples themselves stay in the decoder until an audio output needs them.
 */
public record DecodedAudio(int samples, int sampleRate, int channels, long ptsMicros) {

  /** Length of the block in µs. */
  public long durationMicros() {
    return sampleRate <= 0 ? 0 : samples * 1_000_000L / sampleRate;
  }
}
