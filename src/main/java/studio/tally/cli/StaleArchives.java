package studio.tally.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The installed launchers name their AppCDS archive after the build ({@code studio-VERSION-CHECKSUM.jsa},
 * {@code cli-…}) in the cache directory, so every upgrade or rebuild leaves the previous one (~45 MB for the
 * studio's) behind. This removes archives of the same launcher kind that are not this run's and have not
 * been read for {@link #UNUSED} (another installation that shares the cache keeps its archive while it is
 * used; the kernel refreshes the access time of a mapped archive at least daily). Never fails a start.
 */
final class StaleArchives {
  static final Duration UNUSED = Duration.ofDays(14);
  private static final String FLAG = "-XX:SharedArchiveFile=";

  private StaleArchives() {}

  /** This JVM's archive, from its command line, if it names one in the {@code studio-}/{@code cli-} scheme. */
  static Optional<Path> current(List<String> jvmArgs) {
    for (String a : jvmArgs) {
      if (a.startsWith(FLAG)) {
        Path p = Path.of(a.substring(FLAG.length()));
        return kind(p.getFileName().toString()).isPresent() ? Optional.of(p) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<String> kind(String name) {
    for (String k : List.of("studio-", "cli-")) {
      if (name.startsWith(k) && name.endsWith(".jsa")) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** Deletes the stale archives beside {@code current}; returns what it deleted. */
  static List<Path> prune(Path current, Instant now) {
    List<Path> deleted = new ArrayList<>();
    Path dir = current.toAbsolutePath().getParent();
    String kind = kind(current.getFileName().toString()).orElse(null);
    if (dir == null || kind == null) {
      return deleted;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, kind + "*.jsa")) {
      for (Path f : files) {
        if (f.getFileName().equals(current.getFileName())) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        Instant used = a.lastAccessTime().toInstant().isAfter(a.lastModifiedTime().toInstant())
            ? a.lastAccessTime().toInstant() : a.lastModifiedTime().toInstant();
        if (a.isRegularFile() && used.plus(UNUSED).isBefore(now) && Files.deleteIfExists(f)) {
          deleted.add(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      // a locked or vanished file, a directory we cannot read: the next start tries again
    }
    return deleted;
  }

  /** Prunes in the background (a virtual thread): nothing of it delays the start. */
  static void pruneLater() {
    current(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()).ifPresent(
        p -> Thread.ofVirtual().name("stale-archives").start(() -> prune(p, Instant.now())));
  }
}
