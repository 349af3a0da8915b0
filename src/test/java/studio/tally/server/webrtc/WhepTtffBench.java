package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import studio.tally.media.Av;
import studio.tally.play.Player;
import studio.tally.play.PlayerOptions;

/**
 * Time to first frame of one WHEP stream: our player in a warm process (the studio's Player window)
 * against headless Chromium on our WHEP page, runs interleaved. Ours: connect start to the first
 * decoded picture. Chromium: page script start (offer, gathering, POST, ICE, DTLS) to the first
 * frame presented (requestVideoFrameCallback). Prints "tally-warm-ms N" and "chromium-ms N" per run for
 * bench/whep-ttff.sh. Usage: WhepTtffBench BASE_URL APP STREAM RUNS
 */
public final class WhepTtffBench {
  private WhepTtffBench() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String app = args[1];
    String stream = args[2];
    int runs = Integer.parseInt(args[3]);
    String whep = base + "/rtc/v1/whep/?app=" + app + "&stream=" + stream;
    Av.loadCodecs();
    try (ChromeDriverClient chrome = new ChromeDriverClient()) {
      for (int i = 0; i <= runs; i++) { // run 0 warms both up, untimed
        double ours = ours(whep);
        double theirs = chromium(chrome, base + "/players/whep.html?app=" + app + "&stream=" + stream);
        if (i > 0) {
          System.out.printf(Locale.ROOT, "tally-warm-ms %.1f%nchromium-ms %.1f%n", ours, theirs);
        }
      }
    }
    System.exit(0);
  }

  private static double ours(String whep) throws Exception {
    try (Player p = Player.open(whep, PlayerOptions.defaults(), null)) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!p.hasPicture() && p.failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      if (!p.hasPicture()) {
        throw new IllegalStateException("no picture from " + whep + ": " + p.failure());
      }
      return p.report().timeToFirstFrameMs();
    }
  }

  private static double chromium(ChromeDriverClient chrome, String page) throws Exception {
    try (ChromeDriverClient.Browser b = chrome.open()) {
      b.navigate(page);
      return b.awaitState(st -> st.path("firstFrameMs").isNumber(), "frame of " + page).path("firstFrameMs").asDouble();
    }
  }
}
