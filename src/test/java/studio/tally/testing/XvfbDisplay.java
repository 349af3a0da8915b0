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
    return start(null, width, height, List.of());
  }

  /** As {@link #start(int, int)} with a white root window ({@code -wr}): a screen that is not black. */
  public static XvfbDisplay startWhite(int width, int height) {
    return start(null, width, height, List.of("-wr"));
  }

  /**
   * An Xvfb on display {@code :number} (one that an earlier server used and left: a screen that comes
   * back); {@code -displayfd} still tells when it accepts clients.
   */
  public static XvfbDisplay startOn(int number, int width, int height) {
    return start(number, width, height, List.of());
  }

  /** As {@link #startOn} with a white root window. */
  public static XvfbDisplay startWhiteOn(int number, int width, int height) {
    return start(number, width, height, List.of("-wr"));
  }

  private static XvfbDisplay start(Integer number, int width, int height, List<String> extra) {
    if (!Files.isExecutable(java.nio.file.Path.of("/usr/bin/Xvfb"))) {
      throw new PeerMissing("Xvfb", "xvfb", "/usr/bin/Xvfb not found");
    }
    // -displayfd 1: Xvfb picks a free display and prints its number on stdout once it accepts clients.
    // -noreset: by default an X server resets when its last client leaves, and a client connecting during
    // the reset gets XCB_CONN_ERROR (x11grab: "Cannot open display :N, error 1" when a test closed one
    // capture and at once opened the next; seen in CI twice)
    List<String> command = new java.util.ArrayList<>(List.of("Xvfb"));
    if (number != null) command.add(":" + number);
    command.addAll(List.of("-displayfd", "1", "-screen", "0", width + "x" + height + "x24", "-nolisten", "tcp", "-noreset"));
    command.addAll(extra);
    PeerProcess p = PeerProcess.start("xvfb", command);
    // -displayfd: Xvfb writes the display number it took once it is ready
    java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger(-1);
    try {
      org.awaitility.Awaitility.await("Xvfb's display number").atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50)).ignoreException(java.io.IOException.class) // not written yet
          .failFast("Xvfb exited", () -> !p.isAlive())
          .until(() -> {
            String out = Files.readString(p.stdoutFile()).strip();
            if (out.matches("\\d+")) taken.set(Integer.parseInt(out));
            return taken.get() >= 0;
          });
      return new XvfbDisplay(p, taken.get());
    } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      // said below, with what Xvfb printed
    }
    String why = p.describe();
    p.stop();
    throw new AssertionError("Xvfb did not report a display within 15 s\n" + why);
  }

  public int number() {
    return number;
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
    if (xvfb.isAlive()) {
      freeze(false); // a stopped server does not end on SIGTERM
    }
    xvfb.stop();
  }
}
