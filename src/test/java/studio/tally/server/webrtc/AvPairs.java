package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Pairs the flash and beep onsets of the WHEP page's {@code ?measure=1} state: each flash with the
 * nearest beep within 500 ms (the pattern repeats every second, so the nearest one is its own).
 */
final class AvPairs {
  private static final double MAX_DISTANCE_MS = 500;

  private AvPairs() {}

  /**
   * Waits until the measuring page has shown a flash {@code untilMs} after its first frame, printing both
   * tracks' jitter-buffer delays (and {@code progress}, e.g. the bridge's counters) about once a second, and
   * returns the page's last state. Fails on a page error or when the flashes stop.
   */
  static JsonNode record(ChromeDriverClient.Browser player, double untilMs, Supplier<String> progress) {
    JsonNode first = player.await("first frame", Duration.ofSeconds(30), st -> st.path("firstVideoAt").isNumber());
    double t0 = first.path("firstVideoAt").asDouble();
    long[] lastPrint = {0};
    return player.await("a flash " + untilMs + " ms after the first frame",
        Duration.ofMillis((long) untilMs + 20_000), Duration.ofMillis(250), st -> {
          JsonNode fl = st.path("flashes");
          if (System.nanoTime() - lastPrint[0] > 1_000_000_000L) {
            lastPrint[0] = System.nanoTime();
            System.out.printf("  %d flashes %d beeps; jitter buffer delay/target/minimum ms: audio %s video %s; %s%n",
                fl.size(), st.path("beeps").size(), st.path("audioJitterBufferMs"), st.path("videoJitterBufferMs"),
                progress.get());
          }
          return !fl.isEmpty() && fl.get(fl.size() - 1).asDouble() >= t0 + untilMs;
        });
  }

  /** Every flash as "seconds after the first frame:offset ms" ("-" without a beep near it). */
  static String timeline(JsonNode state) {
    double t0 = state.path("firstVideoAt").asDouble();
    StringBuilder all = new StringBuilder();
    for (JsonNode f : state.path("flashes")) {
      double at = f.asDouble();
      List<Double> o = offsets(state, at, at + 0.01);
      all.append(String.format(Locale.ROOT, " %.1f:%s", (at - t0) / 1000,
          o.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", o.getFirst())));
    }
    return all.toString().strip();
  }

  /** Offsets of the flashes shown {@code fromMs} to {@code toMs} after the first frame. */
  static List<Double> window(JsonNode state, double fromMs, double toMs) {
    double t0 = state.path("firstVideoAt").asDouble();
    return offsets(state, t0 + fromMs, t0 + toMs);
  }

  /** Audio minus video onset (ms; > 0: audio later) of each flash displayed in [{@code fromMs}, {@code toMs}). */
  static List<Double> offsets(JsonNode state, double fromMs, double toMs) {
    List<Double> out = new ArrayList<>();
    for (JsonNode f : state.path("flashes")) {
      double flash = f.asDouble();
      if (flash < fromMs || flash >= toMs) {
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
