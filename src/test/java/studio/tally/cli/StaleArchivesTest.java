package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleArchivesTest {
  @TempDir Path dir;

  private Path archive(String name, Duration age, Instant now) throws Exception {
    Path p = Files.writeString(dir.resolve(name), "x");
    FileTime t = FileTime.from(now.minus(age));
    Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(t, t, null);
    return p;
  }

  @Test
  void oldArchivesOfTheSameLauncherGoAndEverythingElseStays() throws Exception {
    Instant now = Instant.now();
    Path current = archive("studio-0.2.0-bbbb.jsa", Duration.ofDays(90), now);
    Path stale = archive("studio-0.1.0-aaaa.jsa", Duration.ofDays(30), now);
    Path recent = archive("studio-0.1.0-cccc.jsa", Duration.ofDays(2), now); // another installation in use
    Path cli = archive("cli-0.1.0-aaaa.jsa", Duration.ofDays(30), now); // the other launcher's
    Path other = archive("studio-notes.txt", Duration.ofDays(30), now);
    assertThat(StaleArchives.prune(current, now)).containsExactly(stale);
    assertThat(current).exists();
    assertThat(recent).exists();
    assertThat(cli).exists();
    assertThat(other).exists();
    assertThat(stale).doesNotExist();
  }

  @Test
  void onlyAnArchiveInTheLaunchersSchemeIsTakenFromTheCommandLine() {
    assertThat(StaleArchives.current(List.of("-Xmx1g", "-XX:SharedArchiveFile=/c/studio-1-ab.jsa")))
        .contains(Path.of("/c/studio-1-ab.jsa"));
    assertThat(StaleArchives.current(List.of("-XX:SharedArchiveFile=/repo/target/cds-studio.jsa"))).isEmpty();
    assertThat(StaleArchives.current(List.of("-Xshare:auto"))).isEmpty();
  }

  @Test
  void aMissingDirectoryIsNotAnError() {
    assertThat(StaleArchives.prune(dir.resolve("gone/studio-1-ab.jsa"), Instant.now())).isEmpty();
  }
}
