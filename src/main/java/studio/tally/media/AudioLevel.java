package studio.tally.media;

/**
 * The latest meter reading of one audio input, after its gain and mute, over its last audio frame
 * (both channels).
 *
 * @param input the audio input's id (as returned by {@link studio.tally.media.session.MediaSession#addAudioInput} or its
 *     position in the initial list)
 * @param peakDb sample peak, dBFS, never below {@link #FLOOR_DB}
 * @param rmsDb RMS, dBFS, never below {@link #FLOOR_DB}
 */
public record AudioLevel(int input, double peakDb, double rmsDb) {
  /** What silence (and a muted input) reads. */
  public static final double FLOOR_DB = -100;

  /** A reading from linear peak and RMS (1.0 = full scale). */
  public static AudioLevel ofLinear(int input, double peak, double rms) {
    return new AudioLevel(input, toDb(peak), toDb(rms));
  }

  /** Silence. */
  public static AudioLevel silent(int input) {
    return new AudioLevel(input, FLOOR_DB, FLOOR_DB);
  }

  static double toDb(double linear) {
    if (!(linear > 0)) return FLOOR_DB;
    return Math.max(FLOOR_DB, 20 * Math.log10(linear));
  }
}
