package studio.tally.media.capture;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PulseAudioServer;

/**
 * A/V offset over a long recording for microphones whose clock runs fast and slow (bench/audio-drift.sh):
 * both devices at once on one PulseAudio server, each in its own session and recording. Prints a
 * markdown table of the offset every minute, for docs/benchmarks.md.
 */
public final class AudioDriftBench {
  private AudioDriftBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 600;
    List<Integer> ppms = List.of(5000, -5000);
    try (var pulse = PulseAudioServer.start()) {
      System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
      List<CompletableFuture<ClockDriftRun.Result>> runs = new ArrayList<>();
      for (int ppm : ppms) {
        runs.add(CompletableFuture.supplyAsync(() -> {
          try {
            return ClockDriftRun.run(pulse, "bench" + (ppm > 0 ? "fast" : "slow"), ppm, seconds,
                PeerFiles.newDir("drift-bench").resolve("drift" + ppm + ".mkv"));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      var out = new StringBuilder();
      out.append(String.format(Locale.ROOT, "%s, %d cores, %d GiB, `bash bench/audio-drift.sh %.0f`%n%n", LocalDate.now(),
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 30, seconds));
      out.append("| device clock | beeps | max abs offset | offset at 1, 2, 5 min and the end (ms) | drift measured |\n");
      out.append("|---|---|---|---|---|\n");
      for (var f : runs) {
        var r = f.get();
        System.out.println(r.summary());
        var o = r.offsets();
        out.append(String.format(Locale.ROOT, "| %+.1f %% | %d | %.0f ms | %s, %s, %s, %+.0f | %+.0f ppm |%n", r.ppm() / 1e4, o.size(),
            r.maxAbsMillis(), at(o, 60), at(o, 120), at(o, 300), r.lastMillis(), r.measuredPpm()));
      }
      System.out.println(out);
    }
  }

  private static String at(List<Double> offsets, int k) {
    return k < offsets.size() ? String.format(Locale.ROOT, "%+.0f", offsets.get(k) * 1000) : "-";
  }
}
