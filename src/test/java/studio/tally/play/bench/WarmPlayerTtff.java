package studio.tally.play.bench;

import java.util.Locale;
import studio.tally.media.Av;
import studio.tally.play.Player;
import studio.tally.play.PlayerOptions;

/**
 * Time to first frame of a player in a warm process (what the studio's Player window sees: the
 * JVM, Netty and FFmpeg's natives already loaded): one untimed player, then RUNS players one after
 * another, each its own connection. Prints "warm-ms N" per run for bench/probe-ttff.sh.
 * Usage: WarmPlayerTtff URL RUNS
 */
public final class WarmPlayerTtff {
  private WarmPlayerTtff() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int runs = Integer.parseInt(args[1]);
    Av.loadCodecs();
    for (int i = 0; i <= runs; i++) {
      try (Player p = Player.open(url, PlayerOptions.defaults(), null)) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!p.hasPicture() && p.failure().isEmpty() && System.nanoTime() < deadline) Thread.sleep(1);
        if (!p.hasPicture()) throw new IllegalStateException("no picture from " + url + ": " + p.failure());
        if (i > 0) System.out.printf(Locale.ROOT, "warm-ms %.1f%n", p.report().timeToFirstFrameMs());
      }
    }
    System.exit(0);
  }
}
