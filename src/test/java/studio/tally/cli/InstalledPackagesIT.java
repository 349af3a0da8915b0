package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.ServerSettings;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerMissing;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.XvfbDisplay;

/**
 * The Linux packages that {@code installers/build.sh} made (target/installer/dist), as a user meets them:
 * the .deb installed with dpkg on this machine, its {@code tally} on the PATH ({@code --version},
 * {@code serve} with an FFmpeg publish and ffprobe reading the FLV), its studio on an Xvfb display
 * showing the test pattern in a screenshot, and {@code dpkg -r}/{@code -P} leaving nothing but the
 * user's settings. The .rpm's and the tarball's file lists are checked (rpm from apt provides rpm).
 * Runs in {@code ./mvnw -B -Pinstaller verify} (after the package phase built them), as root.
 */
@ExtendWith(PeerReaper.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstalledPackagesIT {
  private static final Path DIST = Path.of("target", "installer", "dist").toAbsolutePath();
  private static final Path OPT = Path.of("/opt/tally-studio");
  private static final Path PATH_LINK = Path.of("/usr/bin/tally");
  private static final List<Path> MENU_DIRS = List.of(Path.of("/etc/xdg/menus"), Path.of("/usr/share/desktop-directories"));
  private static final Pattern FIRST_FRAME = Pattern.compile("first preview frame (\\d+) ms after start");

  @Test
  @Order(1)
  void theDebInstallsRunsTheCommandLineAndTheStudioAndRemovesCleanly() throws Exception {
    Path deb = one("tally-studio_*.deb");
    assertThat(run("dpkg-deb", "-f", deb.toString(), "Depends")).contains("libgtk-3-0").contains("libpulse0");
    // xdg-desktop-menu needs the menu directories a desktop machine has; a bare one (a server, this CI
    // machine) lacks them, and the package installs without a menu entry there. Make them for this test.
    List<Path> madeMenuDirs = new ArrayList<>();
    for (Path d : MENU_DIRS) {
      if (!Files.isDirectory(d)) {
        Files.createDirectories(d);
        madeMenuDirs.add(d);
      }
    }
    if (Files.exists(OPT)) run("dpkg", "-P", "tally-studio");
    run("dpkg", "-i", deb.toString());
    try {
      assertThat(desktopEntries()).as("the menu entry").extracting(p -> p.getFileName().toString())
          .contains("tally-studio-Tally_Studio.desktop");
      assertThat(PATH_LINK).isSymbolicLink();
      assertThat(Files.readSymbolicLink(PATH_LINK)).isEqualTo(OPT.resolve("bin/tally"));
      assertThat(run(PATH_LINK.toString(), "--version")).startsWith("tally ").contains("(Java 25");
      serveAndPublish();
      Path settings = studioShowsThePreview();

      run("dpkg", "-r", "tally-studio");
      assertThat(OPT).doesNotExist();
      assertThat(PATH_LINK).doesNotExist();
      assertThat(desktopEntries()).isEmpty();
      run("dpkg", "-P", "tally-studio");
      assertThat(run("sh", "-c", "dpkg-query -W -f='${Status}' tally-studio 2>&1 || true")).doesNotContain("installed ok");
      assertThat(OPT).doesNotExist();
      assertThat(settings).as("the user's settings stay").isRegularFile();
    } finally {
      if (Files.exists(OPT)) run("dpkg", "-P", "tally-studio");
      for (Path d : madeMenuDirs) run("rm", "-rf", d.toString());
    }
  }

  @Test
  @Order(2)
  void theRpmHoldsTheAppItsLaunchersAndTheDependencies() throws Exception {
    Path rpm = one("tally-studio-*.rpm");
    List<String> files = List.of(run("rpm", "-qlp", rpm.toString()).split("\n"));
    assertThat(files).contains("/opt/tally-studio/bin/Tally Studio", "/opt/tally-studio/bin/tally",
        "/opt/tally-studio/lib/app/tally-studio.jar", "/opt/tally-studio/lib/runtime/lib/server/libjvm.so",
        "/opt/tally-studio/lib/tally-studio-Tally_Studio.desktop");
    assertThat(files).as("no other platform's jars").filteredOn(f -> f.endsWith(".jar") && (f.contains("-windows-") || f.contains("-macosx-") || f.contains("-mac-"))).isEmpty();
    assertThat(run("rpm", "-qp", "--requires", rpm.toString())).contains("gtk3").contains("pulseaudio-libs");
    assertThat(run("rpm", "-qp", "--scripts", rpm.toString())).contains("ln -sf \"/opt/tally-studio/bin/tally\" /usr/bin/tally");
  }

  @Test
  @Order(3)
  void theTarballHoldsTheAppImage() throws Exception {
    Path tar = one("tally-studio-*.tar.xz");
    String list = run("tar", "-tJf", tar.toString());
    assertThat(list).contains("Tally Studio/bin/tally\n", "Tally Studio/bin/Tally Studio\n",
        "Tally Studio/lib/app/tally-studio.jar\n");
  }

  private static void serveAndPublish() throws Exception {
    int rtmp = FreePort.tcp();
    int http = FreePort.tcp();
    try (PeerProcess serve = PeerProcess.start("installed-serve", List.of(PATH_LINK.toString(), "serve",
        "--listen", "127.0.0.1:" + rtmp, "--listen", "127.0.0.1:" + http))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !serve.isAlive() || FreePort.accepts(http));
      assertThat(serve.isAlive()).as(serve.describe()).isTrue();
      try (var publish = Ffmpeg.bundled().publishTestSource("rtmp://127.0.0.1:" + rtmp + "/live/installed",
          Duration.ofSeconds(30), 640, 360, 30, 30)) {
        String flv = "http://127.0.0.1:" + http + "/live/installed.flv";
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .untilAsserted(() -> assertThat(Ffprobe.bundled().probe(flv, Duration.ofSeconds(15)).video()).isPresent());
        Ffprobe.Probe probe = Ffprobe.bundled().probe(flv, Duration.ofSeconds(15));
        assertThat(probe.video().orElseThrow().width()).isEqualTo(640);
        assertThat(probe.video().orElseThrow().codecName()).isEqualTo("h264");
        assertThat(probe.audio().orElseThrow().codecName()).isEqualTo("aac");
      }
      ProcessHandle.of(serve.pid()).orElseThrow().destroy();
      assertThat(serve.waitFor(Duration.ofSeconds(30))).as(serve.describe()).isZero();
    }
  }

  /** The studio launcher of the desktop entry, on Xvfb: the test pattern's colour bars fill the preview. */
  private static Path studioShowsThePreview() throws Exception {
    Path profile = PeerFiles.newDir("installed-profile");
    SettingsStore.at(profile).save(StudioSettings.defaults(List.of(
            SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL),
            SceneSource.audio(SceneSource.Kind.TONE, null)))
        .withVideo(new VideoSettings(1280, 720, 30, 2500, "auto", 2))
        .withServer(new ServerSettings(true, List.of("127.0.0.1:" + FreePort.tcp()), "127.0.0.1:" + FreePort.udp())));
    String launcher = OPT.resolve("bin/Tally Studio").toString();
    assertThat(Files.readString(OPT.resolve("lib/tally-studio-Tally_Studio.desktop"))).contains("Exec=\"" + launcher + "\"")
        .containsPattern("Icon=/opt/tally-studio/lib/.+\\.png");
    // the command line's entry exists (jpackage makes one per launcher) but stays out of the menu
    assertThat(Files.readString(OPT.resolve("lib/tally-studio-tally.desktop"))).contains("NoDisplay=true");
    try (XvfbDisplay x = XvfbDisplay.start(1280, 800)) {
      long coldStart = -1;
      for (int run = 0; run < 2; run++) { // the second run maps the AppCDS archive the first wrote
        try (PeerProcess studio = new WithEnv("installed-studio", List.of(launcher, "--profile", profile.toString()),
            Map.of("DISPLAY", x.display()))) {
          await().atMost(Duration.ofSeconds(120)).until(() -> !studio.isAlive() || firstFrame(studio) >= 0);
          assertThat(studio.isAlive()).as(studio.describe()).isTrue();
          coldStart = firstFrame(studio);
          if (run == 1) {
            // the first frame reaches the FX thread before the window is mapped and painted: grab until it shows
            Path shot = PeerFiles.newDir("installed-shot").resolve("studio.png");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
                .until(() -> !studio.isAlive() || colourBars(screenshot(x, shot)) >= 5);
            assertThat(colourBars(ImageIO.read(shot.toFile()))).as("test pattern bars in " + shot + "\n" + studio.describe())
                .isGreaterThanOrEqualTo(5);
          }
          ProcessHandle.of(studio.pid()).orElseThrow().destroy();
          assertThat(studio.waitFor(Duration.ofSeconds(30))).as(studio.describe()).isZero();
        }
        System.out.println("installed studio, run " + run + ": first preview frame " + coldStart + " ms after start");
      }
    }
    return profile.resolve(SettingsStore.FILE);
  }

  private static BufferedImage screenshot(XvfbDisplay x, Path shot) throws IOException {
    Ffmpeg.bundled().start(List.of("-f", "x11grab", "-video_size", "1280x800", "-i", x.display(),
        "-frames:v", "1", "-update", "1", shot.toString())).waitForSuccess(Duration.ofSeconds(30));
    return ImageIO.read(shot.toFile());
  }

  /** How many of the pattern's six saturated bars (R G B C M Y) each cover at least 1 % of the screen. */
  private static int colourBars(BufferedImage img) {
    int[][] bars = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {0, 255, 255}, {255, 0, 255}, {255, 255, 0}};
    long[] counts = new long[bars.length];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
        for (int i = 0; i < bars.length; i++) {
          if (Math.abs(r - bars[i][0]) < 40 && Math.abs(g - bars[i][1]) < 40 && Math.abs(b - bars[i][2]) < 40) counts[i]++;
        }
      }
    }
    long min = (long) img.getWidth() * img.getHeight() / 100;
    int found = 0;
    for (long c : counts) if (c >= min) found++;
    return found;
  }

  private static long firstFrame(PeerProcess p) throws IOException {
    Matcher m = FIRST_FRAME.matcher(Files.readString(p.stderrFile()));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static List<Path> desktopEntries() throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path dir : List.of(Path.of("/usr/share/applications"), Path.of("/usr/local/share/applications"))) {
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().contains("tally")).forEach(found::add);
      }
    }
    return found;
  }

  private static Path one(String glob) throws IOException {
    if (!Files.isDirectory(DIST)) throw new AssertionError(DIST + " not found: build the packages first (./mvnw -B -Pinstaller verify)");
    try (var s = Files.newDirectoryStream(DIST, glob)) {
      List<Path> found = new ArrayList<>();
      s.forEach(found::add);
      assertThat(found).as(glob + " in " + DIST).hasSize(1);
      return found.getFirst();
    }
  }

  private static final class WithEnv extends PeerProcess {
    WithEnv(String name, List<String> command, Map<String, String> environment) {
      super(name, command, environment, null);
    }
  }

  /** Runs a command to its end; fails with its output unless it exits 0; returns stdout. */
  private static String run(String... command) throws IOException, InterruptedException {
    if (command[0].equals("rpm") && !Files.isExecutable(Path.of("/usr/bin/rpm"))) {
      throw new PeerMissing("rpm", "rpm", "/usr/bin/rpm not found");
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    int code = p.waitFor();
    assertThat(code).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }
}
