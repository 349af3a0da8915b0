package studio.tally.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An external peer process (ffmpeg, ffprobe, nginx, ...). Its stderr goes to a bounded ring of the
 * last {@value #TAIL_LINES} lines (for failure messages) and to a file under {@code target/peers/};
 * stdout goes to its own file. Every instance is registered with {@link PeerReaper}, which kills
 * leftovers after each test (when the test uses the extension) and at JVM exit.
 */
public class PeerProcess implements AutoCloseable {
  static final int TAIL_LINES = 200;
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final List<String> command;
  private final Process process;
  private final byte[] quitInput;
  private final Path stderrFile;
  private final Path stdoutFile;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Thread stderrPump;
  private final long startedNanos = System.nanoTime();

  /**
   * Starts command. quitInput, when not null, is written to stdin by {@link #stop()} as the polite
   * way to ask the peer to finish (ffmpeg: "q"); stdin stays open as a pipe until then.
   */
  protected PeerProcess(String name, List<String> command, Map<String, String> environment, String quitInput) {
    this.name = name;
    this.command = List.copyOf(command);
    this.quitInput = quitInput == null ? null : quitInput.getBytes(StandardCharsets.US_ASCII);
    String base = String.format("%03d-%s", SEQUENCE.incrementAndGet(), name.replaceAll("[^A-Za-z0-9._-]", "_"));
    this.stderrFile = PeerFiles.root().resolve(base + ".stderr.log");
    this.stdoutFile = PeerFiles.root().resolve(base + ".stdout.log");
    var builder = new ProcessBuilder(this.command)
        .redirectOutput(stdoutFile.toFile())
        .redirectError(ProcessBuilder.Redirect.PIPE)
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(environment);
    try {
      this.process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
    PeerReaper.register(this);
    this.stderrPump = Thread.ofPlatform().daemon().name(base + "-stderr").start(this::pumpStderr);
  }

  /** Starts any command as a peer process (no polite quit: stop() goes straight to SIGTERM). */
  public static PeerProcess start(String name, List<String> command) {
    return new PeerProcess(name, command, Map.of(), null);
  }

  public String name() {
    return name;
  }

  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Time since start. */
  public Duration age() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  public Path stderrFile() {
    return stderrFile;
  }

  public Path stdoutFile() {
    return stdoutFile;
  }

  /** The last lines the peer wrote to stderr ('\r' progress lines count as lines). */
  public List<String> stderrLines() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  /** The last lines of stderr, joined, ready for a failure message. */
  public String stderrTail() {
    return String.join("\n", stderrLines());
  }

  /** The last n lines of stderr, joined. */
  public String stderrTail(int n) {
    List<String> lines = stderrLines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Name, pid, command and the end of stderr: what a failure message needs. */
  public String describe() {
    return name + " (pid " + pid() + (isAlive() ? ", running" : ", exit " + process.exitValue()) + ")\n  command: "
        + String.join(" ", command) + "\n  stderr (" + stderrFile + "), last lines:\n"
        + stderrTail(40).indent(4);
  }

  /** Exit code once the process has ended within timeout; fails (and stops the peer) otherwise. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        throw new AssertionError(name + " did not exit within " + timeout + "; stopped it.\n" + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new AssertionError("interrupted while waiting for " + name, e);
    }
    joinPump();
    return process.exitValue();
  }

  /** Like {@link #waitFor} but fails with the stderr tail unless the exit code is 0. */
  public void waitForSuccess(Duration timeout) {
    int code = waitFor(timeout);
    if (code != 0) throw new AssertionError(name + " exited with " + code + "\n" + describe());
  }

  /** Writes one line to the peer's stdin (a command to a running peer, e.g. "mute mic" to {@code tally call}). */
  public void sendLine(String line) {
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": cannot write to its stdin", e);
    }
  }

  /**
   * Ends the peer and returns its exit code: the quit input on stdin (if any) with 3 s to finish,
   * then SIGTERM with 3 s, then SIGKILL. Never returns while the process (or a child of it) lives.
   */
  public int stop() {
    if (process.isAlive() && quitInput != null) {
      try {
        OutputStream stdin = process.getOutputStream();
        stdin.write(quitInput);
        stdin.flush();
      } catch (IOException ignored) {
        // the peer closed its stdin or is exiting: the signals below take care of it
      }
      awaitExit(Duration.ofSeconds(3));
    }
    if (process.isAlive()) {
      process.destroy();
      awaitExit(Duration.ofSeconds(3));
    }
    return kill();
  }

  /** SIGKILL now (children too), wait for the exit, return the exit code. */
  public int kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) process.destroyForcibly();
    boolean ended = awaitExit(Duration.ofSeconds(10));
    closeStdin();
    joinPump();
    PeerReaper.unregister(this);
    if (!ended) throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for 10 s");
    return process.exitValue();
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return name + "[pid " + pid() + "]";
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // already closed by the exiting peer
    }
  }

  private void joinPump() {
    try {
      stderrPump.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pumpStderr() {
    var line = new StringBuilder();
    try (InputStream in = process.getErrorStream();
         OutputStream file = new BufferedOutputStream(Files.newOutputStream(stderrFile))) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        file.write(buffer, 0, n);
        file.flush();
        for (int i = 0; i < n; i++) {
          char c = (char) (buffer[i] & 0xff);
          if (c == '\n' || c == '\r') {
            if (!line.isEmpty()) addLine(line.toString());
            line.setLength(0);
          } else if (line.length() < 4000) {
            line.append(c);
          }
        }
      }
    } catch (IOException e) {
      addLine("[stderr pump: " + e + "]");
    } finally {
      if (!line.isEmpty()) addLine(line.toString());
    }
  }

  private void addLine(String line) {
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) tail.removeFirst();
      tail.addLast(line);
    }
  }
}
