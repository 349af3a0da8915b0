package studio.tally.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ffmpeg executable used as a test peer. Two of them: {@link #bundled()} (FFmpeg 8.1 from the
 * bytedeco GPL jar: rtmps via OpenSSL, Enhanced RTMP, whip) and {@link #debian()} (/usr/bin/ffmpeg,
 * 5.1 with GnuTLS: no Enhanced RTMP). Neither verifies TLS certificates unless told to
 * ({@code -tls_verify} defaults to off in both), so rtmps:// against a self-signed cert just works.
 */
public final class Ffmpeg {
  /** Read/write timeout for network inputs (µs), so no peer hangs on a silent server. */
  static final String RW_TIMEOUT_MICROS = "5000000";

  private static volatile Ffmpeg bundled;
  private static volatile Ffmpeg debian;

  private final String label;
  private final Path executable;
  private final Path ffprobeExecutable;
  private final String debianPackage;
  private final String version;

  private Ffmpeg(String label, Path executable, Path ffprobeExecutable, String debianPackage) {
    this.label = label;
    this.executable = executable;
    this.ffprobeExecutable = ffprobeExecutable;
    this.debianPackage = debianPackage;
    this.version = probeVersion();
  }

  /** FFmpeg 8.1 from org.bytedeco:ffmpeg (linux-x86_64-gpl); unpacked to ~/.javacpp/cache on first use. */
  public static Ffmpeg bundled() {
    Ffmpeg f = bundled;
    if (f == null) {
      synchronized (Ffmpeg.class) {
        if (bundled == null) {
          Path ffmpeg;
          Path ffprobe;
          try {
            ffmpeg = Path.of(org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
            ffprobe = Path.of(org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffprobe.class));
          } catch (Throwable e) {
            throw new PeerMissing("bundled FFmpeg (org.bytedeco:ffmpeg linux-x86_64-gpl)", "libpulse0",
                "Loader.load(ffmpeg.class) failed: " + e);
          }
          bundled = new Ffmpeg("ffmpeg-8.1", ffmpeg, ffprobe, "libpulse0");
        }
        f = bundled;
      }
    }
    return f;
  }

  /** Debian's /usr/bin/ffmpeg (5.1 on bookworm). */
  public static Ffmpeg debian() {
    Ffmpeg f = debian;
    if (f == null) {
      synchronized (Ffmpeg.class) {
        if (debian == null) {
          Path ffmpeg = Path.of("/usr/bin/ffmpeg");
          Path ffprobe = Path.of("/usr/bin/ffprobe");
          for (Path p : List.of(ffmpeg, ffprobe)) {
            if (!Files.isExecutable(p)) throw new PeerMissing("Debian FFmpeg", "ffmpeg", p + " not found");
          }
          debian = new Ffmpeg("ffmpeg-debian", ffmpeg, ffprobe, "ffmpeg");
        }
        f = debian;
      }
    }
    return f;
  }

  public Path executable() {
    return executable;
  }

  /** The ffprobe of the same build. */
  public Ffprobe ffprobe() {
    return new Ffprobe(label.replace("ffmpeg", "ffprobe"), ffprobeExecutable, debianPackage);
  }

  /** "8.1.2", "5.1.9-0+deb12u1", ... (from {@code ffmpeg -version}). */
  public String version() {
    return version;
  }

  /** Major version number (8, 5). */
  public int majorVersion() {
    Matcher m = Pattern.compile("^n?(\\d+)").matcher(version);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** Whether this build muxes HEVC into FLV as Enhanced RTMP ({@code hvc1}): FFmpeg 6.1 and later. */
  public boolean supportsEnhancedRtmp() {
    Matcher m = Pattern.compile("^n?(\\d+)\\.(\\d+)").matcher(version);
    if (!m.find()) return false;
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 6 || (major == 6 && minor >= 1);
  }

  @Override
  public String toString() {
    return label + " " + version + " (" + executable + ")";
  }

  /**
   * Starts ffmpeg with args, prefixed by {@code -hide_banner -loglevel info -stats_period 1 -y}. The
   * {@code -y} matters: stdin is a pipe (for 'q'), so an "Overwrite? [y/N]" prompt would hang forever.
   */
  public FfmpegProcess start(List<String> args) {
    var command = new ArrayList<String>();
    command.add(executable.toString());
    command.addAll(List.of("-hide_banner", "-loglevel", "info", "-stats_period", "1", "-y"));
    command.addAll(args);
    return new FfmpegProcess(label, command, Map.of());
  }

  /**
   * Publishes testsrc2 video + a 1 kHz tone as H.264/AAC FLV to url (rtmp://, rtmps://, or a file)
   * in real time for duration. extraOutputArgs go right before {@code -f flv url}.
   */
  public FfmpegProcess publishTestSource(String url, Duration duration, int width, int height, int fps,
      int gopFrames, String... extraOutputArgs) {
    var args = testSourceInputs(width, height, fps);
    args.addAll(List.of("-t", seconds(duration),
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", Integer.toString(gopFrames), "-b:v", "1500k",
        "-c:a", "aac", "-b:a", "128k"));
    args.addAll(Arrays.asList(extraOutputArgs));
    args.addAll(List.of("-f", "flv", url));
    return start(args);
  }

  /**
   * Like {@link #publishTestSource} but HEVC (libx265): Enhanced RTMP FourCC {@code hvc1}. Needs
   * FFmpeg 6.1+, i.e. {@link #bundled()}; Debian's 5.1 has libx265 but its FLV muxer rejects HEVC
   * ("Video codec hevc not compatible with flv"). nginx-rtmp 1.2.2 silently drops this video (only
   * the audio reaches players), so test Enhanced RTMP against our server or a file, not nginx.
   */
  public FfmpegProcess publishHevcTestSource(String url, Duration duration, int width, int height, int fps,
      int gopFrames, String... extraOutputArgs) {
    if (!supportsEnhancedRtmp()) {
      throw new IllegalArgumentException(this + " cannot mux HEVC into FLV (Enhanced RTMP needs FFmpeg 6.1+); "
          + "use Ffmpeg.bundled()");
    }
    var args = testSourceInputs(width, height, fps);
    args.addAll(List.of("-t", seconds(duration),
        "-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", Integer.toString(gopFrames), "-b:v", "1500k", "-x265-params", "log-level=error",
        "-c:a", "aac", "-b:a", "128k"));
    args.addAll(Arrays.asList(extraOutputArgs));
    args.addAll(List.of("-f", "flv", url));
    return start(args);
  }

  /** Plays url for duration and throws the packets away ({@code -c copy -f null -}). */
  public FfmpegProcess playToNull(String url, Duration duration) {
    var args = inputArgs(url);
    args.addAll(List.of("-t", seconds(duration), "-c", "copy", "-f", "null", "-"));
    return start(args);
  }

  /** Records url for duration into file without transcoding; the container follows the file's extension. */
  public FfmpegProcess recordCopy(String url, Path file, Duration duration) {
    var args = inputArgs(url);
    args.addAll(List.of("-t", seconds(duration), "-c", "copy", file.toString()));
    return start(args);
  }

  /**
   * Runs this ffmpeg with {@code args} (a shell word list) to the end and returns its user + sys CPU time
   * as a percentage of one core over {@code mediaSeconds} (the CLI side of a CPU benchmark; it includes
   * its own start-up and demuxing).
   */
  public double cpuPercent(String args, double mediaSeconds) {
    var p = PeerProcess.start("ffmpeg", List.of("bash", "-c", executable + " -nostdin -v error -y " + args + " && times"));
    p.waitForSuccess(Duration.ofSeconds(600));
    try {
      // times: the shell's line, then its children's "XmY.YYYs XmZ.ZZZs"
      String[] children = java.nio.file.Files.readAllLines(p.stdoutFile()).getLast().trim().split("\\s+");
      return (clock(children[0]) + clock(children[1])) / mediaSeconds * 100;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double clock(String t) {
    int m = t.indexOf('m');
    return Integer.parseInt(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
  }

  static List<String> timeoutArgs(String url) {
    // rw_timeout is the generic protocol read/write timeout (rtmp's own -timeout means listen mode)
    return url.contains("://") && !url.startsWith("file:") ? List.of("-rw_timeout", RW_TIMEOUT_MICROS) : List.of();
  }

  private static ArrayList<String> inputArgs(String url) {
    var args = new ArrayList<String>(timeoutArgs(url));
    args.addAll(List.of("-i", url));
    return args;
  }

  private static ArrayList<String> testSourceInputs(int width, int height, int fps) {
    return new ArrayList<>(List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=" + fps,
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"));
  }

  static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
  }

  private String probeVersion() {
    var process = new PeerProcess(label + "-version", List.of(executable.toString(), "-hide_banner", "-version"),
        Map.of(), null);
    int code = process.waitFor(Duration.ofSeconds(20));
    String out;
    try {
      out = Files.readString(process.stdoutFile());
    } catch (java.io.IOException e) {
      out = "";
    }
    Matcher m = Pattern.compile("version (\\S+)").matcher(out);
    if (code != 0 || !m.find()) {
      String err = process.stderrTail(20);
      String pkg = err.contains("libpulse") ? "libpulse0" : debianPackage;
      throw new PeerMissing(label + " (" + executable + ")", pkg, "'-version' exited with " + code + ":\n" + err + out);
    }
    return m.group(1);
  }
}
