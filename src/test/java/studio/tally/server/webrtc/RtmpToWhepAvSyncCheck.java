package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/**
 * The calibration of {@link RtmpToWhepAvSyncTest}'s instrument, run by hand (not a *Test class: it judges
 * nothing, it reads Chromium): {@code -Dtest=RtmpToWhepAvSyncCheck}. Headless Chromium publishes the same
 * flash-and-beep pattern over WHIP ({@code whip.html?pattern=sync}: flash and beep from one audio clock,
 * libwebrtc's own capture times and sender reports), the SFU forwards its RTP untouched, and a second
 * Chromium measures it on the same {@code whep.html?measure=1} as the test. No bridge, no transcoder:
 * whatever offset this reads is Chromium's and the page's. Prints the same windows as the test
 * (docs/benchmarks.md, RTMP to WHEP A/V offset).
 */
@Timeout(value = 120)
class RtmpToWhepAvSyncCheck {
  @Test
  void referenceChromiumToChromiumThroughTheSfu() throws Exception {
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withConfigDir(Files.createTempDirectory("tally-avsync-ref").toString());
    try (TallyServer server = TallyServer.start(c, "0.1.0-test");
        ChromeDriverClient chrome = new ChromeDriverClient();
        ChromeDriverClient.Browser publisher = chrome.open();
        ChromeDriverClient.Browser player = chrome.open()) {
      String base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
      publisher.navigate(base + "/players/whip.html?app=live&stream=ref&pattern=sync");
      publisher.await("publisher connected", Duration.ofSeconds(30),
          st -> st.path("connectionState").asText().equals("connected"));
      player.navigate(base + "/players/whep.html?app=live&stream=ref&measure=1");
      JsonNode s = AvPairs.record(player, RtmpToWhepAvSyncTest.TO_MS, () -> "");
      List<Double> settled = AvPairs.window(s, RtmpToWhepAvSyncTest.FROM_MS, RtmpToWhepAvSyncTest.TO_MS + 1);
      System.out.printf(Locale.ROOT, "reference chromium->sfu->whep: median offset %.1f ms over %d pairs %d-%d s after"
          + " the first frame (early 4-14 s: %.1f ms); load %s; every pair (s: ms): %s%n"
          + "publisher drew each flash this long after its beep's audio time, ms: %s%n",
          AvPairs.median(settled), settled.size(), RtmpToWhepAvSyncTest.FROM_MS / 1000, RtmpToWhepAvSyncTest.TO_MS / 1000,
          AvPairs.median(AvPairs.window(s, 4000, 14_000)), Files.readString(Path.of("/proc/loadavg")).strip(),
          AvPairs.timeline(s), publisher.state().path("flashLagMs"));
    }
  }
}
