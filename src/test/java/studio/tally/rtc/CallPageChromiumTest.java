package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.ChromiumPage;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * A browser user calls a {@code tally call} user: headless Chromium (fake camera and microphone) on our own
 * call page {@code /call/<room>}, served by our server, in SFU mode and in P2P mode, all in one network
 * namespace (webrtc-java ignores loopback). Each side must decode the other's frames: Chromium's getStats
 * {@code framesDecoded}, and {@code tally call --json}'s frames received and exit 0 (media both ways).
 */
@ExtendWith(PeerReaper.class)
class CallPageChromiumTest {

  /** @param api the page's SFU exchange: "whip" (WHIP/WHEP) or "srs" (SRS's JSON API, as SRS's one-to-one page) */
  private void browserCalls(String mode, String api, String tallyName, String browserName) throws Exception {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      NamespacePeers.awaitServerReady(server);
      String ip = ns.address(1);
      try (PeerProcess tally = CallEndToEndTest.callFor(ns, ip, tallyName, mode, 25);
          PeerProcess chromium = ChromiumPage.open(ns, "chromium-call-" + mode, "http://" + ip + ":" + NamespacePeers.HTTP_PORT
              + "/call/e2e-" + mode + "?name=" + browserName + "&mode=" + mode + "&api=" + api + "&auto=1&report=console")) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Awaitility.await("Chromium decodes the tally call's frames").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .failFast("Chromium exited\n" + chromium.describe(), () -> !chromium.isAlive())
            .until(() -> {
              ChromiumPage.state(chromium).ifPresent(last::set);
              if (last.get() != null && last.get().path("state").asText().equals("error")) {
                throw new AssertionError("page error: " + last.get() + "\n" + chromium.describe());
              }
              return last.get() != null && last.get().path("framesDecoded").asInt() > 30;
            });
        JsonNode page = last.get();
        System.out.println("CALL PAGE " + mode + ": " + page);
        assertThat(page.path("state").asText()).isEqualTo("in call");
        assertThat(page.path("api").asText()).isEqualTo(api);
        assertThat(page.path("peer").asText()).isEqualTo(tallyName);
        assertThat(page.path("source").asText()).as("getUserMedia with the fake devices").isEqualTo("camera");
        assertThat(page.path("width").asInt()).isEqualTo(640);
        assertThat(page.path("framesSent").asInt()).isPositive();
        JsonNode t = CallEndToEndTest.result(tally);
        System.out.println("CALL PAGE " + mode + " tally: " + t);
        assertThat(t.get("exit").asInt()).as(t.toString()).isZero();
        assertThat(t.get("result").asText()).isEqualTo("media both ways");
        assertThat(t.get("peer").asText()).isEqualTo(browserName);
        assertThat(t.get("frames_received").asLong()).as(t.toString()).isGreaterThan(30);
        assertThat(t.get("width").asInt()).as("Chromium's fake camera, 640x360 as the page asks").isEqualTo(640);
      }
    }
  }

  @Test
  void aBrowserCallsThroughTheServer() throws Exception {
    browserCalls("sfu", "whip", "alice", "bob");
  }

  /**
   * SRS's one-to-one flow in a browser: join on the signaling, publish self through SRS's JSON API
   * ({@code /rtc/v1/publish/}, {@code webrtc://host/<room>/<name>}), send {@code publish}, play the peer through
   * {@code /rtc/v1/play/} — what SRS's own page does (which is not distributed in any registry we can fetch).
   */
  @Test
  void aBrowserCallsThroughTheServerTheWaySrsOneToOnePageDoes() throws Exception {
    browserCalls("sfu", "srs", "carol", "dave");
  }

  /** The browser has the lower name, so it offers and tally call answers. */
  @Test
  void aBrowserCallsPeerToPeer() throws Exception {
    browserCalls("p2p", "whip", "zoe", "anna");
  }
}
