package studio.tally.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.XvfbDisplay;

/**
 * The studio window's figures for docs/benchmarks.md (not a test: nothing is asserted; run it with
 * {@code ./mvnw -B test -Dtest=StudioWindowBench -Dtally.fuzz.skip=true -Dsurefire.failIfNoSpecifiedTests=false}).
 * A child JVM per run ({@code tally studio --profile DIR}, real window on Xvfb, glass GTK, software
 * rendering): cold start to the first preview frame (5 runs), then one run streaming 1080p30 from
 * the test source to the embedded server: CPU and RSS of the studio process, preview fps.
 * Results go to stdout and target/studio-bench.txt.
 */
class StudioWindowBench {
  private static final Pattern FIRST_FRAME = Pattern.compile("first preview frame (\\d+) ms after start");
  private static final Pattern FX_UP = Pattern.compile("JavaFX up (\\d+) ms after start");
  private static final Pattern ENGINE_OPEN = Pattern.compile("studio engine open in (\\d+) ms");
  private static final Pattern PREVIEW = Pattern.compile("preview: (\\d+) frames shown in ([\\d.]+) s \\(([\\d.]+) fps\\), (\\d+) dropped");
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  @Test
  void measure() throws Exception {
    List<String> out = new ArrayList<>();
    out.add("studio window bench " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load "
        + Files.readString(Path.of("/proc/loadavg")).strip());
    try (XvfbDisplay x = XvfbDisplay.start(1280, 800)) {
      List<Long> firstFrame = new ArrayList<>();
      for (int run = 0; run < 5; run++) {
        Path profile = Files.createTempDirectory(Path.of("target"), "studio-bench-profile");
        StudioCpuBenchmark.streamingProfile(profile, "auto");
        try (PeerProcess studio = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(), "studio", "--profile", profile.toString())) {
          await().atMost(Duration.ofSeconds(120)).until(() -> find(studio, FIRST_FRAME) != null);
          firstFrame.add(Long.parseLong(find(studio, FIRST_FRAME).group(1)));
          ProcessHandle.of(studio.pid()).orElseThrow().destroy();
          studio.waitFor(Duration.ofSeconds(30));
          out.add("run " + run + ": first preview frame " + firstFrame.getLast() + " ms after JVM start; JavaFX up at "
              + group(studio, FX_UP) + " ms; engine open took " + group(studio, ENGINE_OPEN) + " ms (in parallel)");
        }
      }
      out.add("cold start to first preview frame: median " + median(firstFrame) + " ms, min " + firstFrame.stream().mapToLong(l -> l).min().orElse(0)
          + ", max " + firstFrame.stream().mapToLong(l -> l).max().orElse(0) + " (" + firstFrame + ")");

      Path profile = Files.createTempDirectory(Path.of("target"), "studio-bench-profile");
      int http = StudioCpuBenchmark.streamingProfile(profile, "auto");
      try (PeerProcess studio = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(), "studio", "--profile", profile.toString(), "--start-streaming")) {
        String flv = "http://127.0.0.1:" + http + "/live/studio.flv";
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
            .until(() -> Ffprobe.bundled().probe(flv, Duration.ofSeconds(20)).video().isPresent());
        long pid = studio.pid();
        long cpu0 = cpuTicks(pid);
        long t0 = System.nanoTime();
        long rssMax = 0;
        long rssSum = 0;
        int samples = 0;
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
          long rss = rssKb(pid);
          rssMax = Math.max(rssMax, rss);
          rssSum += rss;
          samples++;
          await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuPercent = 100.0 * (cpuTicks(pid) - cpu0) / TICKS_PER_SECOND / seconds;
        long packets = Ffprobe.bundled().countVideoPackets(flv, 5);
        ProcessHandle.of(pid).orElseThrow().destroy();
        studio.waitFor(Duration.ofSeconds(30));
        Matcher m = find(studio, PREVIEW);
        out.add(String.format("streaming 1920x1080 30 fps (test source, encoder auto) for %.0f s: CPU %.0f %% of one core, "
            + "RSS mean %d MB max %d MB; a player read %d video packets in 5 s", seconds, cpuPercent,
            rssSum / samples / 1024, rssMax / 1024, packets));
        out.add(m == null ? "preview: no line" : "preview (whole run incl. start/stop): " + m.group(0));
      }
    }
    out.forEach(System.out::println);
    Files.write(Path.of("target", "studio-bench.txt"), out);
  }

  private static Matcher find(PeerProcess p, Pattern pattern) throws IOException {
    for (String line : Files.readAllLines(p.stderrFile())) {
      Matcher m = pattern.matcher(line);
      if (m.find()) return m;
    }
    return null;
  }

  private static String group(PeerProcess p, Pattern pattern) throws IOException {
    Matcher m = find(p, pattern);
    return m == null ? "?" : m.group(1);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    return 0;
  }
}
