package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally probe} of WHEP endpoints and {@code webrtc://} URLs as a user runs it (a child process),
 * everything on 127.0.0.1 (libwebrtc's loopback blindness is what the player must get around): FFmpeg
 * 8.1's WHIP muxer publishes into our server, the probe plays over UDP and over ICE-TCP only; a closed
 * port, a stream nobody publishes and a server answering with a broken SDP exit 2 with the reason.
 */
@ExtendWith(PeerReaper.class)
class ProbeWhepCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode probe(PeerProcess p, int expectedExit) throws Exception {
    assertThat(p.waitFor(Duration.ofSeconds(180))).as(TallyCli.describe(p)).isEqualTo(expectedExit);
    return JSON.readTree(String.join("\n", TallyCli.stdout(p)));
  }

  private static JsonNode stream(JsonNode root, String url) {
    for (JsonNode s : root.get("streams")) if (s.get("url").asText().equals(url)) return s;
    throw new AssertionError("no stream " + url + " in " + root.toPrettyString());
  }

  private static FfmpegProcess ffmpegWhip(String whipUrl) {
    return Ffmpeg.bundled().start(List.of("-hide_banner", "-loglevel", "warning",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "120",
        "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-preset", "ultrafast", "-tune", "zerolatency",
        "-pix_fmt", "yuv420p", "-g", "30", "-b:v", "800k", "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k",
        "-f", "whip", "-whip_flags", "dtls_active", whipUrl));
  }

  private static void assertPlayed(JsonNode s, String transport) {
    assertThat(s.get("status").asText()).as(s.toPrettyString()).isEqualTo("pass");
    assertThat(s.get("video_codec").asText()).isEqualTo("H264");
    assertThat(s.get("width").asInt()).isEqualTo(640);
    assertThat(s.get("height").asInt()).isEqualTo(360);
    assertThat(s.get("frames").asLong()).isGreaterThan(30);
    // fps itself is not checked here (a loaded machine slows FFmpeg's encode): ChromiumWhipProbeTest compares it
    assertThat(s.get("fps").asDouble()).as(s.toPrettyString()).isPositive();
    assertThat(s.get("time_to_first_frame_ms").asDouble()).isPositive();
    assertThat(s.get("bitrate_kbps").asDouble()).isPositive();
    assertThat(s.get("audio_samples").asLong()).as("Opus decoded by libwebrtc").isGreaterThan(0);
    JsonNode w = s.get("webrtc");
    assertThat(w.get("transport").asText()).as(s.toPrettyString()).isEqualTo(transport);
    assertThat(w.get("packets_received").asLong()).isGreaterThan(100);
    assertThat(w.get("jitter_ms").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(w.get("nack_count").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(w.get("pli_count").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(w.get("fps").asDouble()).as("libwebrtc's own framesPerSecond").isPositive();
  }

  @Test
  void ffmpegWhipIsProbedOverWhepAndWebrtcUrlsOnLoopbackOverUdpAndTcpOnly() throws Exception {
    try (var ours = InProcessServer.start(0, studio.tally.testing.PeerFiles.newDir("tally-server"), c -> c.withRtcProtocol("all"));
        FfmpegProcess ff = ffmpegWhip("http://127.0.0.1:" + ours.port + "/rtc/v1/whip/?app=live&stream=w")) {
      Awaitility.await("FFmpeg's WHIP session").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .failFast("ffmpeg exited\n" + ff.describe(), () -> !ff.isAlive())
          .until(() -> ours.server.rtcStreams().isPublishing(new StreamKey("live", "w")));
      String whep = "http://127.0.0.1:" + ours.port + "/rtc/v1/whep/?app=live&stream=w";
      String webrtc = "webrtc://127.0.0.1:" + ours.port + "/live/w";
      JsonNode root = probe(TallyCli.start("probe", whep, webrtc, "--duration", "25", "--connect-timeout", "20", "--json"), 0);
      assertPlayed(stream(root, whep), "udp");
      assertPlayed(stream(root, webrtc), "udp");

      JsonNode tcp = probe(TallyCli.start("probe", whep, "--duration", "25", "--connect-timeout", "20", "--json", "--ice-tcp-only"), 0);
      assertPlayed(stream(tcp, whep), "tcp");
    }
  }

  @Test
  void aClosedPortANonexistentStreamAndABadSdpAnswerExit2WithTheReason() throws Exception {
    int closed = FreePort.tcp();
    HttpServer bad = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    bad.createContext("/whep", ex -> {
      byte[] body = "v=0\r\nthis is not an answer\r\n".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/sdp");
      ex.getResponseHeaders().add("Location", "/whep/session/1");
      ex.sendResponseHeaders(201, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    bad.start();
    try (var ours = InProcessServer.start()) {
      ours.server.rtcStreams().setPlayWait(Duration.ZERO);
      String refused = "http://127.0.0.1:" + closed + "/rtc/v1/whep/?app=live&stream=x";
      String missing = "http://127.0.0.1:" + ours.port + "/rtc/v1/whep/?app=live&stream=nobody";
      String missingSrs = "webrtc://127.0.0.1:" + ours.port + "/live/nobody";
      String badSdp = "http://127.0.0.1:" + bad.getAddress().getPort() + "/whep";
      JsonNode root = probe(TallyCli.start("probe", refused, missing, missingSrs, badSdp, "--duration", "60", "--connect-timeout", "30", "--json"), 2);
      assertThat(stream(root, refused).at("/failure/kind").asText()).isEqualTo("refused");
      assertThat(stream(root, refused).at("/failure/reason").asText()).contains("refused").contains(":" + closed);
      assertThat(stream(root, missing).at("/failure/kind").asText()).isEqualTo("not_found");
      assertThat(stream(root, missing).at("/failure/reason").asText()).contains("404");
      assertThat(stream(root, missingSrs).at("/failure/kind").asText()).isEqualTo("not_found");
      assertThat(stream(root, badSdp).at("/failure/kind").asText()).isEqualTo("bad_sdp");
      for (JsonNode s : root.get("streams")) assertThat(s.get("status").asText()).isEqualTo("no_connect");
      assertThat(root.at("/summary/exit_code").asInt()).isEqualTo(2);
    } finally {
      bad.stop(0);
    }
  }
}
