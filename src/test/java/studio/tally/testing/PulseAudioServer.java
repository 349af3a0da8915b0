package studio.tally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A PulseAudio server of the test's own: a private runtime directory, its own native socket with
 * anonymous auth (it runs as root, where the user's session server and its cookie do not exist), no
 * hardware (no udev/ALSA detection), never exiting when idle. Sound comes from modules the test loads:
 * module-null-sink (its monitor is "desktop audio"; a tone played into the sink with ffmpeg
 * {@code -f pulse}), module-pipe-source fed a tone by ffmpeg (a "microphone" with a known tone,
 * which stalls when no longer fed) and module-sine-source. Closing it kills the server and every player it started.
 */
public final class PulseAudioServer implements AutoCloseable {
  /** RMS of a sine of amplitude 0.5 (module-sine-source's), dBFS. */
  public static final double HALF_SCALE_SINE_RMS_DB = -9.0309;

  private final Path dir;
  private final Path socket;
  private final PeerProcess daemon;
  private final List<PeerProcess> players = new ArrayList<>();

  private PulseAudioServer(Path dir, Path socket, PeerProcess daemon) {
    this.dir = dir;
    this.socket = socket;
    this.daemon = daemon;
  }

  /** Starts a server and waits until pactl reaches it. Fails with PeerMissing when pulseaudio is not installed. */
  public static PulseAudioServer start() {
    for (String exe : List.of("/usr/bin/pulseaudio", "/usr/bin/pactl")) {
      if (!Files.isExecutable(Path.of(exe))) throw new PeerMissing("PulseAudio", "pulseaudio pulseaudio-utils", exe + " not found");
    }
    Path dir;
    try {
      // a short path under /tmp: a unix socket path has a 108-byte limit, the build dir may be deep
      dir = Files.createTempDirectory(Path.of("/tmp"), "tally-pulse-");
      Files.writeString(dir.resolve("default.pa"), "load-module module-native-protocol-unix socket=" + dir.resolve("native")
          + " auth-anonymous=1\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path socket = dir.resolve("native");
    // -n: no default script (no hardware detection); HOME and XDG_RUNTIME_DIR private: no clash with any
    // other server or a stale cookie; --exit-idle-time=-1: a test pausing between steps keeps its server
    PeerProcess p = new PeerProcess("pulseaudio", List.of("pulseaudio", "-n", "-F", dir.resolve("default.pa").toString(),
        "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes", "--log-target=stderr"),
        Map.of("HOME", dir.toString(), "XDG_RUNTIME_DIR", dir.toString(), "XDG_CONFIG_HOME", dir.toString()), null) {};
    var server = new PulseAudioServer(dir, socket, p);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (Files.exists(socket) && server.tryPactl("info").exit == 0) return server;
      sleep(50);
    }
    String why = p.describe();
    server.close();
    throw new PeerMissing("PulseAudio", "pulseaudio pulseaudio-utils", "the server did not answer within 15 s\n" + why);
  }

  /** The server address libpulse takes ($PULSE_SERVER, FFmpeg's pulse "server" option). */
  public String server() {
    return "unix:" + socket;
  }

  /** The environment a child process (tally, ffmpeg) needs to reach this server. */
  public Map<String, String> environment() {
    return Map.of("PULSE_SERVER", server());
  }

  public long pid() {
    return daemon.pid();
  }

  public boolean isAlive() {
    return daemon.isAlive();
  }

  /**
   * A "microphone": a pipe source (48 kHz stereo s16le) fed a sine of hz at amplitude in real time by
   * ffmpeg. Unlike module-sine-source, which hands out 2 s blocks, it delivers in small packets as a
   * sound card does. Stopping its feeder makes it stall without an error.
   */
  public ToneSource startToneSource(String name, int hz, double amplitude) {
    Path fifo = dir.resolve(name + ".fifo");
    int module = loadPipeSource(name, fifo, "s16le", 48000, 2);
    return new ToneSource(name, module, fifo, feed(fifo, hz, amplitude));
  }

  /** A pipe source and the ffmpeg that feeds it. */
  public record ToneSource(String name, int module, Path fifo, PeerProcess feeder) {}

  /** Writes a sine of hz at amplitude, 48 kHz stereo s16le, in real time into fifo until stopped. */
  public PeerProcess feed(Path fifo, int hz, double amplitude) {
    return feedExpression(fifo, String.format(java.util.Locale.ROOT, "%.6f*sin(2*PI*%d*t)", amplitude, hz), 48000);
  }

  /**
   * Writes aevalsrc's expression (of t, in real seconds; commas escaped as {@code \,}) as stereo
   * s16le into fifo, rate samples per real second: a pipe source that takes them for 48 kHz sees a
   * device whose clock runs rate/48000 fast.
   */
  public PeerProcess feedExpression(Path fifo, String expression, int rate) {
    return feedRaw(fifo, expression, rate, "stereo", "s16le");
  }

  /** Like {@link #feedExpression} in another layout ("mono", "5.1") and raw format (ffmpeg's: "f32le", "u8", "mulaw"). */
  public PeerProcess feedRaw(Path fifo, String expression, int rate, String layout, String rawFormat) {
    PeerProcess p = Ffmpeg.bundled().start(List.of("-re", "-f", "lavfi", "-i", "aevalsrc=" + expression + ":s=" + rate + ":c=" + layout,
        "-f", rawFormat, fifo.toString()));
    synchronized (players) {
      players.add(p);
    }
    return p;
  }

  /** The server's private directory (FIFOs of pipe sources go here). */
  public Path dirPath() {
    return dir;
  }

  /** A sine source at hz, 48 kHz (amplitude 0.5; note it delivers in 2 s blocks); returns the module index. */
  public int loadSineSource(String name, int hz) {
    return loadModule("module-sine-source", "source_name=" + name, "rate=48000", "frequency=" + hz);
  }

  /** A null sink ("speakers" nobody hears); its monitor source, name + ".monitor", is desktop audio. */
  public int loadNullSink(String name) {
    return loadModule("module-null-sink", "sink_name=" + name, "rate=48000", "channels=2");
  }

  /**
   * A source that plays what is written to the FIFO fifo (created by the module): s16le at rate and
   * channels, or the format given; nothing written means no samples (a stall without an error).
   */
  public int loadPipeSource(String name, Path fifo, String format, int rate, int channels) {
    return loadModule("module-pipe-source", "source_name=" + name, "file=" + fifo, "format=" + format, "rate=" + rate,
        "channels=" + channels);
  }

  public int loadModule(String module, String... args) {
    List<String> cmd = new ArrayList<>(List.of("load-module", module));
    cmd.addAll(List.of(args));
    return Integer.parseInt(pactl(cmd.toArray(String[]::new)).strip());
  }

  public void unloadModule(int index) {
    pactl("unload-module", Integer.toString(index));
  }

  /** Suspends (true) or resumes a source: a suspended source delivers nothing, and says nothing. */
  public void suspendSource(String name, boolean suspend) {
    pactl("suspend-source", name, suspend ? "1" : "0");
  }

  /** Source names, as {@code pactl list short sources} gives them. */
  public List<String> sources() {
    return pactl("list", "short", "sources").lines().filter(l -> !l.isBlank()).map(l -> l.split("\t")[1]).toList();
  }

  /**
   * Plays a sine at hz and the given amplitude (0..1) into sink, in real time, until closed (or this
   * server is). The bundled ffmpeg writes through its pulse output device.
   */
  public PeerProcess playTone(String sink, int hz, double amplitude) {
    var ffmpeg = Ffmpeg.bundled();
    List<String> args = List.of("-re", "-f", "lavfi", "-i",
        String.format(java.util.Locale.ROOT, "aevalsrc=%.6f*sin(2*PI*%d*t):s=48000:c=stereo", amplitude, hz),
        "-f", "pulse", "-server", server(), "-device", sink, "tally-test-tone");
    PeerProcess p = ffmpeg.start(args);
    synchronized (players) {
      players.add(p);
    }
    return p;
  }

  /** Output of pactl args; fails with pactl's words on a non-zero exit. */
  public String pactl(String... args) {
    var r = tryPactl(args);
    if (r.exit != 0) throw new AssertionError("pactl " + String.join(" ", args) + " exited " + r.exit + ": " + r.output
        + "\n" + daemon.describe());
    return r.output;
  }

  private record Result(int exit, String output) {}

  private Result tryPactl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("pactl", "--server=" + server()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Kills the server at once (SIGKILL): what a crashed or killed sound server looks like to its clients. */
  public void kill() {
    daemon.kill();
  }

  @Override
  public void close() {
    synchronized (players) {
      players.forEach(PeerProcess::stop);
      players.clear();
    }
    daemon.stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
