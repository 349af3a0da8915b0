package studio.tally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code tally call --json} peer heard: its {@code audio_levels}, one {@code [wall ms, RMS dBFS]}
 * per 100 ms, and the readings the call-audio tests take of them.
 */
public final class HeardLevels {
  private HeardLevels() {}

  /** [wall ms, RMS dBFS] of each 100 ms the call heard. */
  public static List<double[]> levels(JsonNode result) {
    List<double[]> out = new ArrayList<>();
    result.get("audio_levels").forEach(l -> out.add(new double[] {l.get(0).asDouble(), l.get(1).asDouble()}));
    return out;
  }

  /** Levels in [from, to) from the first one above −40 dBFS on (the tone has arrived). */
  public static List<Double> audible(List<double[]> levels, long from, long to) {
    List<Double> out = new ArrayList<>();
    boolean started = false;
    for (double[] l : levels) {
      started |= l[1] > -40;
      if (started && l[0] >= from && l[0] < to) out.add(l[1]);
    }
    return out;
  }

  /** Levels in [from, to). */
  public static List<Double> between(List<double[]> levels, long from, long to) {
    return levels.stream().filter(l -> l[0] >= from && l[0] < to).map(l -> l[1]).toList();
  }

  /** ms from t to the first window below db, or -1. */
  public static long firstBelow(List<double[]> levels, long t, double db) {
    return levels.stream().filter(l -> l[0] > t && l[1] < db).findFirst().map(l -> (long) l[0] - t).orElse(-1L);
  }

  /** ms from t to the first window above db, or -1. */
  public static long firstAbove(List<double[]> levels, long t, double db) {
    return levels.stream().filter(l -> l[0] > t && l[1] > db).findFirst().map(l -> (long) l[0] - t).orElse(-1L);
  }

  /** The median level (fails on none). */
  public static double median(List<Double> values) {
    assertThat(values).as("levels to take the median of").isNotEmpty();
    return values.stream().sorted().toList().get(values.size() / 2);
  }
}
