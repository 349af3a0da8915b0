package studio.tally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where peers write their logs, configs and recordings: {@code <build dir>/peers/<run>/}, kept after the run. */
public final class PeerFiles {
  private PeerFiles() {}

  private static final String RUN = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now())
      + "-" + ProcessHandle.current().pid();

  /** {@code target/peers/<run>/} (one directory per test JVM), created on first use. */
  public static Path root() {
    Path dir = buildDir().resolve("peers").resolve(RUN);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** A fresh directory under {@link #root()} whose name starts with prefix. */
  public static Path newDir(String prefix) {
    try {
      return Files.createTempDirectory(root(), prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory under " + root(), e);
    }
  }

  private static Path buildDir() {
    try {
      // test classes live in <build dir>/test-classes, whatever tally.buildDir says
      var location = PeerFiles.class.getProtectionDomain().getCodeSource().getLocation();
      Path classes = Path.of(location.toURI());
      if (Files.isDirectory(classes) && classes.getParent() != null) return classes.getParent();
    } catch (URISyntaxException | RuntimeException ignored) {
      // fall through to the working directory
    }
    return Path.of("target").toAbsolutePath();
  }
}
