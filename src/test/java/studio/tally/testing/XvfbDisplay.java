package studio.tally.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * An Xvfb on a display it picks itself ({@code -displayfd}: no race with other test runs sharing /tmp
 * over a guessed free number). Closing it stops the server.
 */
public final class XvfbDisplay implements AutoCloseable {
  private final PeerProcess xvfb;
  private final int number;

  private XvfbDisplay(PeerProcess xvfb, int number) {
    this.xvfb = xvfb;
    this.number = number;
  }

  public static XvfbDisplay start(int width, int height) {
    if (!Files.isExecutable(java.nio.file.Path.of("/usr/bin/Xvfb"))) {
      throw new PeerMissing("Xvfb", "xvfb", "/usr/bin/Xvfb not found");
    }
    // -displayfd 1: Xvfb picks a free display and prints its number on stdout once it accepts clients.
    // -noreset: by default an X server resets when its last client leaves, and a client connecting during
    // the reset gets XCB_CONN_ERROR (x11grab: "Cannot open display :N, error 1" when a test closed one
    // capture and at once opened the next; seen in CI twice)
    PeerProcess p = PeerProcess.start("xvfb", List.of("Xvfb", "-displayfd", "1", "-screen", "0", width + "x" + height + "x24",
        "-nolisten", "tcp", "-noreset"));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        String out = Files.readString(p.stdoutFile()).strip();
        if (out.matches("\\d+")) return new XvfbDisplay(p, Integer.parseInt(out));
        Thread.sleep(50);
      } catch (IOException e) {
        // not written yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    String why = p.describe();
    p.stop();
    throw new AssertionError("Xvfb did not report a display within 15 s\n" + why);
  }

  /** ":N". */
  public String display() {
    return ":" + number;
  }

  /** The x11grab device id, as {@code tally devices} lists it. */
  public String deviceId() {
    return "x11grab::" + number + ".0";
  }

  /**
   * Stops (SIGSTOP) or resumes (SIGCONT) the X server: a frozen display, whose clients' requests
   * wait without an error — what a hung compositor or a suspended session looks like to x11grab.
   */
  public void freeze(boolean frozen) {
    try {
      Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(xvfb.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + (frozen ? "-STOP " : "-CONT ") + xvfb.pid() + " failed: "
            + new String(kill.getInputStream().readAllBytes()));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (xvfb.isAlive()) freeze(false); // a stopped server does not end on SIGTERM (a killed one needs no SIGCONT)
    xvfb.stop();
  }
}
