package studio.tally.live;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's CPU (percent of one core since the last sample) and memory (RSS on Linux). */
final class ProcessMeter {
  private static final Path STATM = Path.of("/proc/self/statm");
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long lastCpuNanos = os.getProcessCpuTime();
  private long lastWallNanos = System.nanoTime();
  private double lastPercent;

  /** CPU percent of one core since the previous call (at least 200 ms apart, else the last value). */
  synchronized double cpuPercent() {
    long wall = System.nanoTime();
    if (wall - lastWallNanos < 200_000_000L) return lastPercent;
    long cpu = os.getProcessCpuTime();
    lastPercent = cpu < 0 ? 0 : 100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos);
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    return lastPercent;
  }

  /** Resident memory; where /proc is missing, the JVM's heap and non-heap in use. */
  long memoryBytes() {
    try {
      String[] f = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(f[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      var mem = ManagementFactory.getMemoryMXBean();
      return mem.getHeapMemoryUsage().getUsed() + mem.getNonHeapMemoryUsage().getUsed();
    }
  }
}
