package studio.tally.live;

import studio.tally.config.SceneSource;

/**
 * One scene source and whether it works.
 *
 * @param problem null when it captures; why it does not otherwise (FFmpeg's reason, shown in place)
 * @param peakDb audio peak level in dBFS after gain/mute (floor -100); -100 for video
 * @param rmsDb audio RMS level in dBFS (floor -100); -100 for video
 */
public record SourceStatus(SceneSource source, String problem, double peakDb, double rmsDb) {
  public static final double FLOOR_DB = -100;
}
