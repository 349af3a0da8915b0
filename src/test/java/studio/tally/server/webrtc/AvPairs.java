package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Pairs the flash and beep onsets of the WHEP page's {@code ?measure=1} state: each flash with the
 * nearest beep within 500 ms (the pattern repeats every second, so the nearest one is its own).
 */
final class AvPairs {
  private static final double MAX_DISTANCE_MS = 500;

  private AvPairs() {}

  /** Audio minus video onset (ms; > 0: audio later) of each flash displayed after {@code fromMs}. */
  static List<Double> offsets(JsonNode state, double fromMs) {
    List<Double> out = new ArrayList<>();
    for (JsonNode f : state.path("flashes")) {
      double flash = f.asDouble();
      if (flash < fromMs) {
        continue;
      }
      Double best = null;
      for (JsonNode b : state.path("beeps")) {
        double d = b.asDouble() - flash;
        if (Math.abs(d) <= MAX_DISTANCE_MS && (best == null || Math.abs(d) < Math.abs(best))) {
          best = d;
        }
      }
      if (best != null) {
        out.add(best);
      }
    }
    return out;
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
