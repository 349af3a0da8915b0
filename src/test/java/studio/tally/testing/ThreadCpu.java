package studio.tally.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** CPU time of every thread of a Linux process, from {@code /proc/PID/task/TID/stat}, for benchmarks. */
public final class ThreadCpu {
  /** USER_HZ on Linux: the unit of utime and stime. */
  public static final double TICKS_PER_SECOND = 100;

  private ThreadCpu() {}

  /** "tid name" → utime + stime ticks, for every thread of {@code pid} (threads that end meanwhile are left out). */
  public static Map<String, Long> ticks(long pid) throws IOException {
    Map<String, Long> out = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }

  /** The thread name of a {@link #ticks} key. */
  public static String name(String key) {
    return key.substring(key.indexOf(' ') + 1);
  }

  /** % of one core each thread used between two {@link #ticks} samples {@code seconds} apart, by thread name (summed). */
  public static Map<String, Double> percentByName(Map<String, Long> before, Map<String, Long> after, double seconds) {
    Map<String, Double> byName = new HashMap<>();
    for (var e : after.entrySet()) {
      double pct = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / TICKS_PER_SECOND / seconds * 100;
      byName.merge(name(e.getKey()), pct, Double::sum);
    }
    return byName;
  }
}
