package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.ServerSettings;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerMissing;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.XvfbDisplay;

/**
 * How the studio refuses to start, each as a user meets it: a second studio on the same profile, a
 * machine without GTK 3, and {@code ./tally} on a machine without a Java 25 JDK. The last two hide
 * the library or the JDKs in a private mount namespace (root, like the WebRTC tests' network namespaces).
 */
@ExtendWith(PeerReaper.class)
class StudioLaunchTest {
  private static final Path GTK = Path.of("/usr/lib", System.getProperty("os.arch").equals("aarch64") ? "aarch64-linux-gnu" : "x86_64-linux-gnu",
      "libgtk-3.so.0");

  @Test
  void aSecondStudioOnTheSameProfileSaysSoAndExitsLeavingTheFirstAndItsSettingsAlone(@TempDir Path profile) throws Exception {
    StudioSettings settings = StudioSettings.defaults(List.of(
            SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL),
            SceneSource.audio(SceneSource.Kind.TONE, null)))
        .withServer(new ServerSettings(true, List.of("127.0.0.1:" + FreePort.tcp()), "127.0.0.1:" + FreePort.udp()));
    SettingsStore.at(profile).save(settings);
    try (XvfbDisplay x = XvfbDisplay.start(1280, 800);
         PeerProcess first = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(), "--profile", profile.toString())) {
      await().atMost(Duration.ofSeconds(120)).until(() -> !first.isAlive()
          || Files.readString(first.stderrFile()).contains("first preview frame"));
      assertThat(first.isAlive()).as(TallyCli.describe(first)).isTrue();
      byte[] before = Files.readAllBytes(profile.resolve(SettingsStore.FILE));

      try (PeerProcess second = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(),
          "--start-streaming", "--profile", profile.toString())) {
        assertThat(second.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(second)).isEqualTo(3);
        assertThat(second.stderrLines()).as(TallyCli.describe(second)).hasSize(1).first().asString()
            .contains("another Tally Studio is already running with the profile " + profile.toAbsolutePath())
            .contains("(pid " + first.pid() + ")");
      }
      assertThat(first.isAlive()).as(TallyCli.describe(first)).isTrue();
      assertThat(Files.readAllBytes(profile.resolve(SettingsStore.FILE))).isEqualTo(before);

      // the lock goes with its process: once the first has closed, the profile opens again
      ProcessHandle.of(first.pid()).orElseThrow().destroy();
      assertThat(first.waitFor(Duration.ofSeconds(30))).as(TallyCli.describe(first)).isZero();
      try (PeerProcess again = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(), "--profile", profile.toString())) {
        await().atMost(Duration.ofSeconds(120)).until(() -> !again.isAlive()
            || Files.readString(again.stderrFile()).contains("first preview frame"));
        assertThat(again.isAlive()).as(TallyCli.describe(again)).isTrue();
        ProcessHandle.of(again.pid()).orElseThrow().destroy();
        assertThat(again.waitFor(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  @Test
  void withoutGtkTheStudioSaysWhichPackageToInstallInOneLine(@TempDir Path profile) {
    if (!Files.exists(GTK)) throw new PeerMissing("GTK 3", "libgtk-3-0", GTK + " not found");
    // libgtk-3.so.0 replaced by an empty file in a private mount namespace: what dlopen meets without the package
    String hide = "mount --bind /dev/null " + GTK + " && exec \"$@\"";
    try (XvfbDisplay x = XvfbDisplay.start(640, 480);
         PeerProcess studio = TallyCli.startWrapped(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", hide, "sh"),
             Map.of("DISPLAY", x.display()), "--profile", profile.toString())) {
      assertThat(studio.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(studio)).isEqualTo(1);
      assertThat(studio.stderrLines()).as(TallyCli.describe(studio)).hasSize(1).first().asString()
          .startsWith("tally: cannot open the studio window: libgtk-3.so.0 (GTK 3) cannot be loaded")
          .contains("apt-get install libgtk-3-0")
          .doesNotContain("Exception");
    }
  }

  @Test
  void theLauncherWithoutAJava25JdkSaysInOneLineHowToGetOne() {
    // every JDK on this machine lives under /usr/lib/jvm (the java on PATH too): hide them all behind a tmpfs
    String hide = "mount -t tmpfs none /usr/lib/jvm && exec \"$@\"";
    PeerProcess launcher = PeerProcess.start("tally-launcher", List.of("unshare", "-m", "--propagation", "private",
        "sh", "-c", hide, "sh", "env", "-u", "JAVA_HOME", "-u", "TALLY_JAVA_HOME", "./tally", "--version"));
    try (launcher) {
      assertThat(launcher.waitFor(Duration.ofSeconds(30))).as(launcher.describe()).isEqualTo(2);
      assertThat(launcher.stderrLines()).as(launcher.describe()).hasSize(1).first().asString()
          .startsWith("tally: needs a Java 25 JDK and found none")
          .contains("https://packages.adoptium.net/artifactory/deb")
          .contains("apt-get install -y temurin-25-jdk");
    }
  }
}
