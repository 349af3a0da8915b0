package studio.tally.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT run one clean stop and the process then exits 0 (a JVM shutdown hook alone
 * would exit 143). A second signal while stopping exits at once.
 */
final class Signals {
  private Signals() {}

  static void onTerminate(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> {
          if (stopping.compareAndSet(false, true)) {
            Thread.ofPlatform().name("tally-stop").start(stop);
          } else {
            Runtime.getRuntime().halt(1);
          }
        });
      } catch (IllegalArgumentException e) {
        // signal not available on this platform (Windows has no TERM): the default handling stays
      }
    }
  }
}
