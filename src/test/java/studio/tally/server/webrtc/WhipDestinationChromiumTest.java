package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor;
import studio.tally.output.DestinationState;
import studio.tally.output.FanOut;
import studio.tally.output.WhipDestination;
import studio.tally.output.WhipOptions;
import studio.tally.output.WhipUrl;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/**
 * The WHIP destination with real peers: the studio's one encode (test pattern + tone, x264) goes
 * through {@link WhipDestination} (our own ICE/DTLS/SRTP client) to a {@link TallyServer} on
 * loopback, and headless Chromium plays it back over WHEP (/players/whep.html): over UDP, and over
 * TCP only on the server's HTTP port. Plus the refusals (404, 401) and DELETE on stop.
 */
@Timeout(value = 150)
class WhipDestinationChromiumTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ChromeDriverClient chrome;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private String base;

  @BeforeAll
  static void startDriver() throws Exception {
    chrome = new ChromeDriverClient();
  }

  @AfterAll
  static void stopDriver() throws Exception {
    if (chrome != null) {
      chrome.close();
    }
  }

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

  private void start(String protocol, String token) throws Exception {
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol(protocol).withConfigDir(Files.createTempDirectory("tally-whip-dest-test").toString());
    if (token != null) {
      c = c.withPublishToken(token);
    }
    server = TallyServer.start(c, "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().get(0).getPort();
  }

  /** The one encode: 640x360 at 30 fps test pattern and tone, x264 without B-frames, into {@code fanOut}. */
  private MediaSession encode(FanOut fanOut, WhipDestination dest) {
    SessionClock clock = SessionClock.start(Clock.systemUTC());
    VideoFormat format = VideoFormat.parse("640x360", 30);
    var video = List.of(new SceneCompositor.VideoInput(new TestPattern("test", format, clock), Layer.FULL));
    var audio = List.of(new SceneCompositor.AudioInput(new TestTone(clock)));
    EncoderSettings settings = new EncoderSettings("libx264", "h264", 1000, 1, "veryfast", "main", 0, 0);
    MediaSession session = MediaSession.start(clock, new MediaSession.Config(format, video, audio, settings, 128, 0), fanOut);
    closeables.add(session);
    return session;
  }

  private final java.util.concurrent.atomic.AtomicReference<MediaSession> sessionRef = new java.util.concurrent.atomic.AtomicReference<>();

  private WhipDestination destination(String stream, WhipOptions options) {
    // PLI/FIR from the server reach the encoder, as in tally publish
    WhipOptions o = options.withKeyframeRequest(() -> {
      MediaSession s = sessionRef.get();
      if (s != null) {
        s.requestKeyframe();
      }
    });
    WhipDestination d = new WhipDestination(WhipUrl.parse(base + "/rtc/v1/whip/?app=live&stream=" + stream), o);
    closeables.add(d);
    return d;
  }

  private static DestinationState awaitState(WhipDestination d, Predicate<DestinationState> done) {
    try {
      return org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(d::state, done);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("state not reached in " + WAIT + "; last " + d.state() + ", " + d.stats());
    }
  }


  private List<String> clientTypes() throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/clients")).build(), HttpResponse.BodyHandlers.ofString());
    List<String> types = new ArrayList<>();
    JSON.readTree(r.body()).path("clients").forEach(c -> types.add(c.path("type").asText()));
    return types;
  }

  /** Publishes with the one encode, plays with Chromium: ≥ 25 fps decoded, with audio. */
  private void publishAndPlay(String stream, WhipOptions options) throws Exception {
    WhipDestination dest = destination(stream, options);
    FanOut fanOut = new FanOut(List.of(dest));
    MediaSession session = encode(fanOut, dest);
    sessionRef.set(session);
    awaitState(dest, s -> s instanceof DestinationState.Live || s.isFinal());
    assertThat(dest.state()).as(dest.stats().toString()).isInstanceOf(DestinationState.Live.class);
    assertThat(clientTypes()).contains("rtc-publish");

    ChromeDriverClient.Browser play = chrome.open();
    closeables.add(play);
    play.navigate(base + "/players/whep.html?app=live&stream=" + stream);
    JsonNode first;
    try {
      first = play.await("30 frames decoded with audio", WAIT,
          st -> st.path("framesDecoded").asInt() > 30 && st.path("audioPacketsReceived").asInt() > 0);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; destination " + dest.stats() + ", " + dest.feedback()
          + ", encode " + session.stats(), e);
    }
    long sent0 = dest.stats().framesSent();
    long t0 = System.nanoTime();
    Thread.sleep(4000); // a window to count frames in, not a wait for a condition
    JsonNode later = play.state();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double sentFps = (dest.stats().framesSent() - sent0) / seconds;
    double fps = (later.path("framesDecoded").asInt() - first.path("framesDecoded").asInt()) / seconds;
    System.out.printf("whip %s: chromium decoded %.1f fps, the destination sent %.1f fps, %dx%d, audio packets %d, "
        + "destination %s, feedback %s, load %s%n", stream, fps, sentFps, later.path("width").asInt(),
        later.path("height").asInt(), later.path("audioPacketsReceived").asInt(), dest.stats(), dest.feedback(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    assertThat(later.path("width").asInt()).isEqualTo(640);
    assertThat(later.path("audioPacketsReceived").asInt()).isGreaterThan(first.path("audioPacketsReceived").asInt());
    // every frame the destination sent is decoded (none lost on the way); the absolute rate is the
    // encoder's: at least 25 of 30 fps whenever the shared machine let the encoder keep up
    assertThat(fps).as("Chromium's decoded fps against the destination's sent fps").isGreaterThanOrEqualTo(0.85 * sentFps);
    if (sentFps >= 28) {
      assertThat(fps).as("Chromium's decoded frame rate of a 30 fps encode").isGreaterThanOrEqualTo(25);
    }
    assertThat(dest.stats().rttMillis()).as("RTT from the server's receiver reports or ICE").isPresent();

    dest.close();
    assertThat(dest.deleted().get(10, TimeUnit.SECONDS)).as("DELETE status").isEqualTo(200);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(clientTypes()).doesNotContain("rtc-publish"));
    session.close();
  }

  @Test
  void theOneEncodePlaysInChromiumOverUdp() throws Exception {
    start("udp", null);
    publishAndPlay("udp", WhipOptions.DEFAULT);
  }

  @Test
  void theOneEncodePlaysInChromiumOverTcpOnlyOnTheHttpPort() throws Exception {
    start("all", null);
    publishAndPlay("tcp", WhipOptions.DEFAULT.withTcpOnly(true));
  }
}
