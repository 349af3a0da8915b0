package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/**
 * Headless Chromium publishes with /players/whip.html and plays with /players/whep.html against a
 * real {@link TallyServer} on loopback: over UDP, over TCP on the shared HTTP port, DELETE,
 * and the HTTP errors. Chromium and chromedriver must be installed (the test fails otherwise).
 */
@Timeout(value = 110)
class ChromiumWhipWhepTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(25);
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
        .withRtcProtocol(protocol).withConfigDir(Files.createTempDirectory("tally-chromium-test").toString());
    if (token != null) {
      c = c.withPublishToken(token);
    }
    server = TallyServer.start(c, "0.1.0-test");
    InetSocketAddress a = server.boundAddresses().get(0);
    base = "http://127.0.0.1:" + a.getPort();
  }

  private ChromeDriverClient.Browser page(String url) throws Exception {
    ChromeDriverClient.Browser b = chrome.open();
    closeables.add(b);
    b.navigate(base + url);
    return b;
  }

  /** Publishes stream {@code name}, plays it, waits for 60+ decoded frames and audio; returns the player. */
  private ChromeDriverClient.Browser publishAndPlay(String name) throws Exception {
    ChromeDriverClient.Browser pub = page("/players/whip.html?app=live&stream=" + name);
    JsonNode ps = pub.await("publisher connected", WAIT, s -> s.path("connectionState").asText().equals("connected"));
    ChromeDriverClient.Browser play = page("/players/whep.html?app=live&stream=" + name);
    JsonNode s = play.await("60 frames decoded with audio", WAIT,
        st -> st.path("framesDecoded").asInt() > 60 && st.path("audioPacketsReceived").asInt() > 0);
    System.out.printf("chromium %s: publisher POST->connected %d ms, player POST->connected %d ms, "
        + "framesDecoded %d, audio packets %d, %dx%d, %d kbps%n", name, ps.path("postToConnectedMs").asInt(),
        s.path("postToConnectedMs").asInt(), s.path("framesDecoded").asInt(), s.path("audioPacketsReceived").asInt(),
        s.path("width").asInt(), s.path("height").asInt(), s.path("kbps").asInt());
    return play;
  }

  private HttpResponse<String> send(String method, String path, String type, String body, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<String> clientTypes() throws Exception {
    JsonNode clients = JSON.readTree(send("GET", "/api/v1/clients", null, null, null).body()).path("clients");
    List<String> types = new ArrayList<>();
    clients.forEach(c -> types.add(c.path("type").asText()));
    return types;
  }

  @Test
  void publishAndPlayOverUdp() throws Exception {
    start("udp", null);
    publishAndPlay("udp");
    assertThat(clientTypes()).contains("rtc-publish", "rtc-play");
    assertThat(server.webrtc().counters().snapshot()).isNotEmpty();
  }

  @Test
  void publishAndPlayThroughTheSrsJsonApi() throws Exception {
    start("udp", null);
    ChromeDriverClient.Browser pub = page("/players/whip.html?api=srs&app=live&stream=json");
    JsonNode ps = pub.await("publisher connected through /rtc/v1/publish/", WAIT,
        s -> s.path("connectionState").asText().equals("connected"));
    ChromeDriverClient.Browser play = page("/players/whep.html?api=srs&app=live&stream=json");
    JsonNode s = play.await("60 frames decoded with audio through /rtc/v1/play/", WAIT,
        st -> st.path("framesDecoded").asInt() > 60 && st.path("audioPacketsReceived").asInt() > 0);
    JsonNode clients = JSON.readTree(send("GET", "/api/v1/clients", null, null, null).body()).path("clients");
    List<String> ids = new ArrayList<>();
    clients.forEach(c -> ids.add(c.path("id").asText()));
    assertThat(ids).contains(ps.path("sessionid").asText(), s.path("sessionid").asText());
  }

  @Test
  void aPlayerResumesWhenAPublisherReturnsToTheStream() throws Exception {
    start("udp", null);
    ChromeDriverClient.Browser first = page("/players/whip.html?app=live&stream=again");
    first.await("first publisher connected", WAIT, s -> s.path("connectionState").asText().equals("connected"));
    ChromeDriverClient.Browser play = page("/players/whep.html?app=live&stream=again");
    int before = play.await("frames from the first publisher", WAIT, s -> s.path("framesDecoded").asInt() > 30)
        .path("framesDecoded").asInt();
    first.execute("window.tallyStop(); return true;");
    org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> !clientTypes().contains("rtc-publish"));
    int paused = play.state().path("framesDecoded").asInt();

    ChromeDriverClient.Browser second = page("/players/whip.html?app=live&stream=again");
    second.await("second publisher connected", WAIT, s -> s.path("connectionState").asText().equals("connected"));
    JsonNode s = play.await("frames from the second publisher in the same player", WAIT,
        st -> st.path("framesDecoded").asInt() > paused + 60);
    assertThat(s.path("connectionState").asText()).isEqualTo("connected");
    assertThat(s.path("framesDecoded").asInt()).isGreaterThan(before);
    assertThat(clientTypes()).containsExactlyInAnyOrder("rtc-publish", "rtc-play");
  }

  @Test
  void publishAndPlayOverTcpOnTheSharedPort() throws Exception {
    start("tcp", null);
    try (Socket silent = new Socket("127.0.0.1", server.boundAddresses().get(0).getPort())) {
      publishAndPlay("tcp");
      assertThat(send("GET", "/api/v1/versions", null, null, null).statusCode()).isEqualTo(200);
      assertThat(send("GET", "/live/nothing.flv", null, null, null).statusCode()).isEqualTo(404);
      assertThat(silent.isClosed()).isFalse();
    }
  }

  @Test
  void deleteEndsThePlayerSession() throws Exception {
    start("all", null);
    ChromeDriverClient.Browser play = publishAndPlay("del");
    String location = play.state().path("location").asText();
    assertThat(location).startsWith("/rtc/v1/whep/?action=delete&token=");
    assertThat(send("DELETE", location, null, null, null).statusCode()).isEqualTo(200);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(clientTypes()).doesNotContain("rtc-play"));
    assertThat(clientTypes()).contains("rtc-publish");
  }

  @Test
  void badInputGetsHttpErrors() throws Exception {
    start("all", "s3cret");
    String offer;
    try (InputStream in = getClass().getResourceAsStream("/studio/tally/proto/sdp/chromium-134-offer.sdp")) {
      offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String whip = "/rtc/v1/whip/?app=live&stream=bad";
    var options = send("OPTIONS", whip, null, null, null);
    assertThat(options.statusCode()).isEqualTo(200);
    assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(options.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Location, Link");

    assertThat(send("POST", whip, "application/sdp", offer, "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(send("POST", whip, "application/sdp", offer, null).statusCode()).isEqualTo(401);
    var bad = send("POST", whip, "application/sdp", "v=0\r\nthis is not sdp\r\n", "Bearer s3cret");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("sdp");
    server.rtcStreams().setPlayWait(Duration.ZERO); // else a player waits for the publisher
    assertThat(send("POST", "/rtc/v1/whep/?app=live&stream=none", "application/sdp", offer, null).statusCode())
        .isEqualTo(404);
    server.rtcStreams().setPlayWait(studio.tally.server.webrtc.sfu.RtcStreamRegistry.DEFAULT_PLAY_WAIT);

    var first = send("POST", whip, "application/sdp", offer, "Bearer s3cret");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/sdp");
    assertThat(first.headers().firstValue("Location")).get().asString().startsWith("/rtc/v1/whip/?action=delete&token=");
    assertThat(first.body()).startsWith("v=0");
    var second = send("POST", "/whip/live/bad", "application/sdp", offer, "Bearer s3cret");
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(send("DELETE", first.headers().firstValue("Location").get(), null, null, null).statusCode()).isEqualTo(200);
  }
}
