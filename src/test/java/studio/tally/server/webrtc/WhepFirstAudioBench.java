package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * First audio against first video of a WHEP player: headless Chromium on our WHEP page
 * ({@code ?measure=1}) plays a stream with a continuous tone, and the page times its first frame (expected
 * display time) and its first audible sample (output time, through WebAudio). Each run is a fresh browser
 * and, when no other WebRTC player watches, a fresh RTMP -> WebRTC bridge (transcoder opened with it).
 * Prints "first-video-ms N", "first-audio-ms N" and "audio-after-video-ms N" per run for
 * bench/first-audio.sh. Usage: WhepFirstAudioBench BASE_URL APP STREAM RUNS
 */
public final class WhepFirstAudioBench {
  private WhepFirstAudioBench() {}

  public static void main(String[] args) throws Exception {
    String page = args[0] + "/players/whep.html?measure=1&app=" + args[1] + "&stream=" + args[2];
    int runs = Integer.parseInt(args[3]);
    try (ChromeDriverClient chrome = new ChromeDriverClient()) {
      for (int i = 0; i <= runs; i++) { // run 0 warms up, untimed
        JsonNode s = run(chrome, page);
        if (i > 0) {
          double v = s.path("firstVideoAt").asDouble();
          double a = s.path("firstAudioAt").asDouble();
          System.out.printf(Locale.ROOT, "first-video-ms %.1f%nfirst-audio-ms %.1f%naudio-after-video-ms %.1f%n", v, a,
              a - v);
        }
        Thread.sleep(1500); // the bridge of the last run stops
      }
    }
    System.exit(0);
  }

  private static JsonNode run(ChromeDriverClient chrome, String page) throws Exception {
    try (ChromeDriverClient.Browser b = chrome.open()) {
      b.navigate(page);
      return b.awaitState(st -> st.path("firstVideoAt").isNumber() && st.path("firstAudioAt").isNumber(),
          "frame and audio of " + page);
    }
  }
}
