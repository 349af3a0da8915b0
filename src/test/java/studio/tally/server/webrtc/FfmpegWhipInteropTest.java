package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.webrtc.dtls.DtlsRole;
import studio.tally.server.webrtc.sfu.RtcPublisherSession;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;

/**
 * FFmpeg 8's whip muxer as a third-party WHIP publisher (against libwebrtc it went
 * DISCONNECTED after 5–15 s for lack of consent answers): it must publish to our ice-lite server for
 * more than 60 s as one session, while headless Chromium plays it through the WHEP page.
 *
 * <p>FFmpeg 8.1 offers {@code a=setup:passive} by default and waits as the DTLS server: we answer
 * {@code active} and are the DTLS client (RFC 5763 §5), so it publishes without flags. With
 * {@code -whip_flags dtls_active} it is the DTLS client and offers {@code active}, which our DTLS
 * server role answers; both roles are tested.
 */
@Timeout(value = 150)
class FfmpegWhipInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HOLD = Duration.ofSeconds(62);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private String base;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (server != null) {
      server.close();
    }
  }

  static List<String> whipArgs(String url, Duration duration) {
    return whipArgs(url, duration, false);
  }

  /** FFmpeg's whip command; {@code dtlsActive} adds {@code -whip_flags dtls_active} (FFmpeg as DTLS client). */
  static List<String> whipArgs(String url, Duration duration, boolean dtlsActive) {
    List<String> args = new ArrayList<>(List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", Long.toString(duration.toSeconds()),
        "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-preset", "ultrafast", "-tune", "zerolatency",
        "-pix_fmt", "yuv420p", "-g", "30", "-b:v", "800k",
        "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k",
        "-f", "whip"));
    if (dtlsActive) {
      args.addAll(List.of("-whip_flags", "dtls_active"));
    }
    args.add(url);
    return args;
  }

  private JsonNode get(String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build();
    return JSON.readTree(http.send(r, HttpResponse.BodyHandlers.ofString()).body());
  }

  private List<JsonNode> clients(String type) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    get("/api/v1/clients").path("clients").forEach(c -> {
      if (c.path("type").asText().equals(type)) {
        out.add(c);
      }
    });
    return out;
  }

  @Test
  void ffmpegPublishesForAMinuteAndChromiumPlaysIt() throws Exception {
    Ffmpeg ffmpeg = Ffmpeg.bundled();
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol("udp").withConfigDir(Files.createTempDirectory("tally-ffwhip-test").toString());
    server = TallyServer.start(c, "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().get(0).getPort();
    StreamKey key = new StreamKey("live", "ffwhip");

    FfmpegProcess pub = ffmpeg.start(whipArgs(base + "/rtc/v1/whip/?app=live&stream=ffwhip", HOLD.plusSeconds(30)));
    closeables.add(pub);
    await("ffmpeg's whip session connected").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> server.rtcStreams().stream(key).map(s -> s.publisher()).map(RtcPublisherSession::transport)
            .map(t -> t.state() == RtcTransport.State.CONNECTED).orElse(false));
    RtcPublisherSession session = server.rtcStreams().stream(key).orElseThrow().publisher();
    assertThat(session.transport().dtlsRole()).as("ffmpeg offered passive: we are the DTLS client")
        .isEqualTo(DtlsRole.CLIENT);
    String clientId = clients("rtc-publish").getFirst().path("id").asText();
    long consentExpiredBefore = server.webrtc().counters().consentExpired.sum();

    ChromeDriverClient chrome = new ChromeDriverClient();
    closeables.add(chrome);
    ChromeDriverClient.Browser play = chrome.open();
    closeables.add(play);
    play.navigate(base + "/players/whep.html?app=live&stream=ffwhip");
    await("Chromium decodes ffmpeg's video and receives its audio").atMost(Duration.ofSeconds(25))
        .pollInterval(Duration.ofMillis(250)).until(() -> {
          JsonNode s = play.state();
          assertThat(s == null ? "" : s.path("error").asText("")).isEmpty();
          return s != null && s.path("framesDecoded").asInt() > 30 && s.path("audioPacketsReceived").asInt() > 0;
        });

    JsonNode video = get("/api/v1/streams").path("streams").get(0).path("video");
    assertThat(video.path("codec").asText()).isEqualTo("H264");
    assertThat(video.path("profile").asText()).as("from ffmpeg's SPS").containsIgnoringCase("baseline");
    assertThat(video.path("width").asInt()).isEqualTo(640);
    assertThat(video.path("height").asInt()).isEqualTo(360);
    assertThat(get("/api/v1/streams").path("streams").get(0).path("audio").path("codec").asText()).isEqualTo("Opus");

    AtomicInteger lastFrames = new AtomicInteger();
    AtomicInteger lastAudio = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    // every 5 s for the whole hold: ffmpeg alive, one session, frames and audio still arriving
    await("ffmpeg publishes as one session for " + HOLD).during(HOLD).atMost(HOLD.plusSeconds(20))
        .pollDelay(Duration.ofSeconds(5)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
          assertThat(pub.isAlive()).as("ffmpeg still publishing; stderr:%n%s", pub.stderrTail(30)).isTrue();
          JsonNode s = play.state();
          int frames = s.path("framesDecoded").asInt();
          int audio = s.path("audioPacketsReceived").asInt();
          assertThat(frames).as("frames decoded keep increasing").isGreaterThan(lastFrames.getAndSet(frames));
          assertThat(audio).as("audio packets keep arriving").isGreaterThan(lastAudio.getAndSet(audio));
          assertThat(server.rtcStreams().stream(key).orElseThrow().publisher()).as("same publisher session")
              .isSameAs(session);
          assertThat(session.transport().state()).isEqualTo(RtcTransport.State.CONNECTED);
          List<JsonNode> pubs = clients("rtc-publish");
          assertThat(pubs).hasSize(1);
          assertThat(pubs.getFirst().path("id").asText()).as("no re-publish").isEqualTo(clientId);
          checks.incrementAndGet();
        });
    assertThat(checks.get()).isGreaterThanOrEqualTo(12);
    assertThat(server.webrtc().counters().consentExpired.sum()).isEqualTo(consentExpiredBefore);
    assertThat(server.webrtc().counters().transportsCreated.sum()).as("one publisher + one player").isEqualTo(2);
    RtcTransport.Stats st = session.transport().stats();
    System.out.printf("ffmpeg whip held %d s: chromium framesDecoded %d, audio packets %d, publisher %d pkts / %d B in,"
        + " %d checks%n", HOLD.toSeconds(), lastFrames.get(), lastAudio.get(), st.packetsIn(), st.bytesIn(), st.checks());
    assertThat(st.checks()).as("ffmpeg kept sending consent checks").isGreaterThan(HOLD.toSeconds() / 10);
  }

  @Test
  void ffmpegWithDtlsActiveFlagPublishesToOurDtlsServer() throws Exception {
    Ffmpeg ffmpeg = Ffmpeg.bundled();
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol("udp").withConfigDir(Files.createTempDirectory("tally-ffwhip-active-test").toString());
    server = TallyServer.start(c, "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().get(0).getPort();
    StreamKey key = new StreamKey("live", "ffwhip-active");

    FfmpegProcess pub = ffmpeg.start(whipArgs(base + "/rtc/v1/whip/?app=live&stream=ffwhip-active",
        Duration.ofSeconds(40), true));
    closeables.add(pub);
    await("ffmpeg's whip session connected").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> server.rtcStreams().stream(key).map(s -> s.publisher()).map(RtcPublisherSession::transport)
            .map(t -> t.state() == RtcTransport.State.CONNECTED).orElse(false));
    RtcTransport t = server.rtcStreams().stream(key).orElseThrow().publisher().transport();
    assertThat(t.dtlsRole()).as("ffmpeg offered active: we are the DTLS server").isEqualTo(DtlsRole.SERVER);
    await("media decrypts").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> t.stats().packetsIn() > 200);
    assertThat(t.stats().srtpAuthFailures()).isZero();
    assertThat(pub.isAlive()).as("ffmpeg still publishing; stderr:%n%s", pub.stderrTail(30)).isTrue();
  }
}
