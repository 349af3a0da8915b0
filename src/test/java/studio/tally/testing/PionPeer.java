package studio.tally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pion/webrtc v3 test peer ({@code src/test/go/pionpeer}): a WHIP publisher and WHEP player in Go,
 * built on first use from Debian's packages, offline: {@code golang-go} and
 * {@code golang-github-pion-webrtc.v3-dev} (which pulls pion's ice, dtls, srtp, rtp, rtcp, sdp,
 * interceptor and transport). Debian installs them as GOPATH sources under /usr/share/gocode with
 * the major version dropped from the directory ({@code github.com/pion/webrtc}, not {@code .../v3});
 * GOPATH mode ({@code GO111MODULE=off}) resolves the {@code /v3} import paths through "minimal module
 * compatibility" only for code that sits inside a GOPATH {@code src} tree and has a go.mod, so the
 * source is copied into {@code target/pion-gopath/src/pionpeer} and built there. The binary is
 * cached by the source's hash.
 */
public final class PionPeer {
  private static final Path GOCODE = Path.of("/usr/share/gocode/src/github.com/pion/webrtc");
  private static Path binary;

  private PionPeer() {}

  /** The built peer binary; builds it once per source version. Missing Go or pion: {@link PeerMissing}. */
  public static synchronized Path binary() {
    if (binary != null && Files.isExecutable(binary)) {
      return binary;
    }
    Path go = go();
    if (!Files.isDirectory(GOCODE)) {
      throw new PeerMissing("pion/webrtc v3 Go sources", "golang-github-pion-webrtc.v3-dev", GOCODE + " is missing");
    }
    Path source = sourceDir();
    try {
      List<Path> sources;
      try (var files = Files.list(source)) {
        sources = files.filter(f -> f.getFileName().toString().endsWith(".go")).sorted().toList();
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path f : sources) {
        digest.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(f));
      }
      String hash = HexFormat.of().formatHex(digest.digest()).substring(0, 12);
      Path gopath = PeerFiles.root().getParent().getParent().resolve("pion-gopath");
      Path out = gopath.resolve("bin").resolve("pionpeer-" + hash);
      if (!Files.isExecutable(out)) {
        Path pkg = Files.createDirectories(gopath.resolve("src").resolve("pionpeer"));
        for (Path f : sources) {
          Files.copy(f, pkg.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(source.resolve("go.mod"), pkg.resolve("go.mod"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(out.getParent());
        ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", out.toString(), ".")
            .directory(pkg.toFile()).redirectErrorStream(true);
        pb.environment().put("GO111MODULE", "off");
        pb.environment().put("GOPATH", gopath + ":/usr/share/gocode");
        pb.environment().put("GOFLAGS", "");
        pb.environment().putIfAbsent("GOCACHE", gopath.resolve("cache").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] log = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new PeerMissing("pionpeer (go build of src/test/go/pionpeer)", "golang-github-pion-webrtc.v3-dev",
              new String(log, StandardCharsets.UTF_8));
        }
      }
      binary = out;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code pionpeer <mode> args...}, to run inside a {@link NetNamespace}. */
  public static List<String> command(String mode, String... args) {
    List<String> c = new java.util.ArrayList<>(List.of(binary().toString(), mode));
    c.addAll(List.of(args));
    return c;
  }

  /** A 320x240 30 fps H.264 Constrained Baseline Annex B file with a keyframe every second; slices ≤ 1000 bytes. */
  public static Path testH264(Duration length) {
    Path out = PeerFiles.root().resolve("pion-test-" + length.toSeconds() + "s.h264");
    if (Files.exists(out)) {
      return out;
    }
    Ffmpeg ffmpeg = Ffmpeg.bundled();
    try (FfmpegProcess p = ffmpeg.start(List.of("-f", "lavfi", "-i",
        "testsrc=size=320x240:rate=30", "-t", Long.toString(length.toSeconds()), "-c:v", "libx264", "-profile:v",
        "baseline", "-pix_fmt", "yuv420p", "-bf", "0", "-g", "30", "-x264-params", "slice-max-size=1000",
        "-f", "h264", out.toString()))) {
      if (p.waitFor(Duration.ofSeconds(60)) != 0) {
        throw new AssertionError("ffmpeg could not make " + out + "\n" + p.describe());
      }
    }
    return out;
  }

  private static Path go() {
    for (String p : List.of("/usr/bin/go", "/usr/lib/go/bin/go", "/usr/local/go/bin/go")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    throw new PeerMissing("go (to build the pion test peer)", "golang-go", "no go in /usr/bin, /usr/lib/go/bin");
  }

  private static Path sourceDir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("src/test/go/pionpeer");
      if (Files.isRegularFile(candidate.resolve("main.go"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("src/test/go/pionpeer not found above " + Path.of("").toAbsolutePath());
  }
}
