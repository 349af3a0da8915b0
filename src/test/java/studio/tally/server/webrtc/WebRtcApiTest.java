package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.sfu.RtcSubscriberSession;

/**
 * SRS's WebRTC JSON API ({@code /rtc/v1/publish/}, {@code /rtc/v1/play/}) and the status API's view of
 * WebRTC clients and streams ({@code /api/v1/streams}, {@code /api/v1/clients}, kick), against a real
 * {@link TallyServer} with {@link WhipTestPeer}s on loopback.
 */
@Timeout(value = 90)
class WebRtcApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private String base;
  private InetSocketAddress udp;

  @BeforeEach
  void start() throws Exception {
    server = TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol("udp").withConfigDir(Files.createTempDirectory("tally-rtc-api").toString()), "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
    udp = server.webrtc().udpAddress();
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
    server.close();
  }

  private WhipTestPeer connect(WhipTestPeer.Api api, boolean publish, String stream) throws Exception {
    WhipTestPeer p = WhipTestPeer.connect(base, udp, api, publish, "live", stream, true, true);
    closeables.add(p);
    if (publish) {
      closeables.add(new MediaPump(p, true, true));
    }
    return p;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    return JSON.readTree(send("GET", path, null).body());
  }

  private JsonNode client(String type) throws Exception {
    for (JsonNode c : get("/api/v1/clients").path("clients")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  private JsonNode srs(String path, String body) throws Exception {
    HttpResponse<String> r = send("POST", path, body);
    assertThat(r.statusCode()).as("SRS answers API failures with HTTP 200 and a code").isEqualTo(200);
    JsonNode j = JSON.readTree(r.body());
    assertThat(j.path("server").asText()).isNotEmpty();
    assertThat(j.path("pid").asText()).isNotEmpty();
    return j;
  }

  private static String srsBody(String streamUrl, String sdp) {
    var o = JSON.createObjectNode().put("api", "x").put("tid", "0f1e2d3").put("streamurl", streamUrl);
    if (sdp != null) {
      o.put("sdp", sdp);
    }
    return o.toString();
  }

  @Test
  void srsJsonApiPublishesAndPlays() throws Exception {
    WhipTestPeer pub = connect(WhipTestPeer.Api.SRS_JSON, true, "json");
    assertThat(pub.answer).startsWith("v=0").contains("a=ice-lite");
    assertThat(pub.sessionId).isNotEmpty();
    WhipTestPeer play = connect(WhipTestPeer.Api.SRS_JSON, false, "json");
    byte[] rtp = play.awaitRtp(WAIT);
    assertThat(rtp).as("media through the JSON API's sessions").isNotNull();
    assertThat(client("rtc-publish").path("id").asText()).isEqualTo(pub.sessionId);
    assertThat(client("rtc-play").path("id").asText()).isEqualTo(play.sessionId);
  }

  @Test
  void srsJsonApiErrorsCarrySrsCodes() throws Exception {
    String offer = WhipTestPeer.offer("tUfrag", "whip-test-password-0123456789", true, true, true);
    assertThat(srs("/rtc/v1/publish/", "{not json").path("code").asInt()).isEqualTo(5019);
    assertThat(srs("/rtc/v1/publish/", srsBody("webrtc://127.0.0.1/live/x", null)).path("code").asInt()).isEqualTo(5023);
    assertThat(srs("/rtc/v1/publish/", srsBody("webrtc://127.0.0.1/onlyapp", offer)).path("code").asInt()).isEqualTo(5023);
    assertThat(srs("/rtc/v1/publish/", srsBody("webrtc://127.0.0.1/live/x", "v=0\r\ngarbage\r\n")).path("code").asInt())
        .isEqualTo(5012);
    server.rtcStreams().setPlayWait(Duration.ZERO); // else a player waits for the publisher
    JsonNode noStream = srs("/rtc/v1/play/", srsBody("webrtc://127.0.0.1/live/none",
        WhipTestPeer.offer("tUfrag", "whip-test-password-0123456789", false, true, true)));
    assertThat(noStream.path("code").asInt()).isEqualTo(5028);
    assertThat(noStream.path("msg").asText()).contains("live/none");

    connect(WhipTestPeer.Api.SRS_JSON, true, "busy");
    assertThat(srs("/rtc/v1/publish/", srsBody("webrtc://127.0.0.1/live/busy", offer)).path("code").asInt())
        .isEqualTo(5020);
    assertThatThrownBy(() -> connect(WhipTestPeer.Api.WHIP, true, "busy"))
        .isInstanceOfSatisfying(WhipTestPeer.HttpFailure.class, e -> assertThat(e.status).isEqualTo(409));
    assertThat(server.webrtc().transportCount()).as("no transport left behind by the refusals").isEqualTo(1);
  }

  @Test
  void streamsAndClientsShowWebRtcPublishersAndPlayers() throws Exception {
    connect(WhipTestPeer.Api.WHIP, true, "api");
    WhipTestPeer play = connect(WhipTestPeer.Api.WHIP, false, "api");
    assertThat(play.awaitRtp(WAIT)).isNotNull();

    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode pub = client("rtc-publish");
      JsonNode player = client("rtc-play");
      assertThat(pub.path("recv_bytes").asLong()).isPositive();
      assertThat(player.path("send_bytes").asLong()).isPositive();
      assertThat(pub.path("publish").asBoolean()).isTrue();
      assertThat(player.path("publish").asBoolean()).isFalse();
      assertThat(pub.path("url").asText()).isEqualTo("/live/api");
      assertThat(pub.path("tcUrl").asText()).startsWith("webrtc://");
      assertThat(pub.path("kbps").has("recv_30s")).isTrue();
    });
    JsonNode pub = client("rtc-publish");
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode streams = get("/api/v1/streams").path("streams");
      assertThat(streams).hasSize(1);
      JsonNode s = streams.get(0);
      assertThat(s.path("name").asText()).isEqualTo("api");
      assertThat(s.path("app").asText()).isEqualTo("live");
      assertThat(s.path("clients").asInt()).isEqualTo(2);
      assertThat(s.path("frames").asLong()).isPositive();
      assertThat(s.path("recv_bytes").asLong()).isPositive();
      assertThat(s.path("send_bytes").asLong()).isPositive();
      assertThat(s.path("kbps").path("recv_30s").asLong()).as("rate, sampled every 5 s").isPositive();
      assertThat(s.path("kbps").path("send_30s").asLong()).isPositive();
      assertThat(s.path("publish").path("active").asBoolean()).isTrue();
      assertThat(s.path("publish").path("cid").asText()).isEqualTo(pub.path("id").asText());
      JsonNode v = s.path("video");
      assertThat(v.path("codec").asText()).isEqualTo("H264");
      assertThat(v.path("profile").asText()).containsIgnoringCase("baseline");
      assertThat(v.path("level").asText()).isEqualTo("1.3");
      assertThat(v.path("width").asInt()).isEqualTo(320);
      assertThat(v.path("height").asInt()).isEqualTo(240);
      JsonNode a = s.path("audio");
      assertThat(a.path("codec").asText()).isEqualTo("Opus");
      assertThat(a.path("sample_rate").asInt()).isEqualTo(48000);
      assertThat(a.path("channel").asInt()).isEqualTo(2);
      assertThat(pub.path("stream").asText()).isEqualTo(s.path("id").asText());
    });
    String id = get("/api/v1/streams").path("streams").get(0).path("id").asText();
    assertThat(get("/api/v1/streams/" + id).path("stream").path("name").asText()).isEqualTo("api");
    assertThat(get("/api/v1/summaries").path("data").path("system").path("streams").asInt()).isEqualTo(1);
  }

  @Test
  void kickingAPlayerClosesItsTransport() throws Exception {
    connect(WhipTestPeer.Api.WHIP, true, "kickp");
    WhipTestPeer play = connect(WhipTestPeer.Api.WHIP, false, "kickp");
    assertThat(play.awaitRtp(WAIT)).isNotNull();
    RtcSubscriberSession session = server.rtcStreams().stream(new StreamKey("live", "kickp")).orElseThrow()
        .subscribers().getFirst();
    String id = client("rtc-play").path("id").asText();
    assertThat(send("DELETE", "/api/v1/clients/" + id, null).statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> session.transport().state() == RtcTransport.State.CLOSED);
    assertThat(session.transport().closeReason()).startsWith("kicked");
    await().atMost(WAIT).until(() -> client("rtc-play") == null);
    assertThat(client("rtc-publish")).isNotNull();
    assertThat(send("DELETE", "/api/v1/clients/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void kickingAPublisherEndsItsPlayersAtOnce() throws Exception {
    connect(WhipTestPeer.Api.WHIP, true, "kick");
    WhipTestPeer play = connect(WhipTestPeer.Api.WHIP, false, "kick");
    assertThat(play.awaitRtp(WAIT)).isNotNull();
    var stream = server.rtcStreams().stream(new StreamKey("live", "kick")).orElseThrow();
    RtcSubscriberSession player = stream.subscribers().getFirst();
    RtcTransport publisher = stream.publisher().transport();
    assertThat(send("DELETE", "/api/v1/clients/" + client("rtc-publish").path("id").asText(), null).statusCode())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> player.transport().state() == RtcTransport.State.CLOSED);
    assertThat(publisher.closeReason()).startsWith("kicked");
    assertThat(player.transport().closeReason()).isEqualTo("publisher kicked");
    await().atMost(WAIT).until(() -> get("/api/v1/clients").path("clients").isEmpty());
    assertThat(get("/api/v1/streams").path("streams")).isEmpty();
    assertThat(server.webrtc().transportCount()).isZero();
  }
}
