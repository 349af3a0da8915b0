package studio.tally.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of a process from /proc (Linux), so benchmarks can put ffmpeg, nginx and our
 * JVM side by side: take a {@link Usage} before and after, and compare the deltas.
 */
public final class Processes {
  private static final long CLOCK_TICKS = clockTicks();

  private Processes() {}

  /** CPU seconds (user + system, all threads) and resident memory of pid at one instant. */
  public record Usage(long pid, long nanoTime, double userSeconds, double systemSeconds, long rssBytes) {
    public double cpuSeconds() {
      return userSeconds + systemSeconds;
    }

    /** Share of one core used between earlier and this sample (1.0 = one full core). */
    public double coresSince(Usage earlier) {
      double wall = (nanoTime - earlier.nanoTime) / 1e9;
      return wall <= 0 ? 0 : (cpuSeconds() - earlier.cpuSeconds()) / wall;
    }
  }

  public static Usage usage(long pid) {
    long now = System.nanoTime();
    List<String> stat = statFields(pid);
    // fields after "(comm)": index 0 is field 3 (state); utime is field 14, stime field 15
    double user = Long.parseLong(stat.get(14 - 3)) / (double) CLOCK_TICKS;
    double system = Long.parseLong(stat.get(15 - 3)) / (double) CLOCK_TICKS;
    return new Usage(pid, now, user, system, rssBytes(pid));
  }

  /** user + system CPU seconds of pid so far. */
  public static double cpuSeconds(long pid) {
    return usage(pid).cpuSeconds();
  }

  /** VmRSS of pid in bytes (0 for a zombie). */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024; // always "kB"
        }
      }
      return 0;
    } catch (IOException e) {
      throw new IllegalStateException("process " + pid + " is gone (cannot read /proc/" + pid + "/status)", e);
    }
  }

  /** This JVM's pid. */
  public static long self() {
    return ProcessHandle.current().pid();
  }

  private static List<String> statFields(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      throw new IllegalStateException("process " + pid + " is gone (cannot read /proc/" + pid + "/stat)", e);
    }
    // comm may contain spaces and parentheses: split after the last ')'
    return List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"));
  }

  private static long clockTicks() {
    try {
      var process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes()).trim();
      if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      // fall back to the Linux default below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100; // USER_HZ on every Linux architecture we run on
  }
}
