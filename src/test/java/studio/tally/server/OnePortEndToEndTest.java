package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.PeerReaper;

/**
 * Everything on ONE listener port: RTMP and RTMPS ingest, HTTP-FLV and HTTPS-FLV, RTMP and RTMPS
 * playback, the SRS API, with FFmpeg 8.1 and 5.1 as publishers and players.
 */
@ExtendWith(PeerReaper.class)
class OnePortEndToEndTest {
  private static ServerFixture server;

  @BeforeAll
  static void startServer() {
    server = ServerFixture.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void bundledFfmpegPublishesRtmpAndEveryProtocolReadsItBackOnTheSamePort() throws Exception {
    try (FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource(server.rtmp("live/x"), Duration.ofSeconds(60),
        1280, 720, 30, 30)) {
      server.awaitLive("live", "x");
      Map<String, CompletableFuture<Ffprobe.Probe>> probes = new LinkedHashMap<>();
      for (Ffprobe probe : List.of(Ffprobe.bundled(), Ffprobe.debian())) {
        for (String url : List.of(server.http("live/x.flv"), server.https("live/x.flv"), server.rtmp("live/x"),
            server.rtmps("live/x"))) {
          probes.put(probe + " " + url, Parallel.run(() -> probe.probe(url, Duration.ofSeconds(30))));
        }
      }
      for (var e : probes.entrySet()) {
        assertH264WithAac(e.getKey(), e.getValue().get(), 1280, 720, publisher);
      }
      assertThat(server.server.sniffStats().matchedCount(studio.tally.server.net.Protocol.TLS))
          .as("https and rtmps probes went through the TLS sniffer").isGreaterThanOrEqualTo(4);

      // FFmpeg as an RTMP player gets frames
      FfmpegProcess player = Ffmpeg.bundled().playToNull(server.rtmp("live/x"), Duration.ofSeconds(2));
      player.waitForSuccess(Duration.ofSeconds(20));
      assertThat(framesReported(player)).as("frames an RTMP player got\n" + player.describe()).isGreaterThan(10);
      assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
    }
  }

  @Test
  void apiListsStreamAndClientsWithSrsFieldsAndDeleteKicksPlayers() throws Exception {
    try (FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource(server.rtmp("live/api"), Duration.ofSeconds(60),
        640, 360, 30, 30)) {
      server.awaitLive("live", "api");
      FlvPull flvPlayer = FlvPull.open(server.port, false, "/live/api.flv");
      FfmpegProcess rtmpPlayer = Ffmpeg.bundled().playToNull(server.rtmp("live/api"), Duration.ofSeconds(60));
      try {
        await().atMost(Duration.ofSeconds(15)).until(() -> server.clients("rtmp-play", "api").size() == 1
            && server.clients("flv-play", "api").size() == 1);

        for (String path : List.of("/api/v1/streams", "/api/v1/streams/")) {
          JsonNode root = server.api(path);
          assertEnvelope(root);
          JsonNode stream = find(root.get("streams"), "name", "api");
          for (String field : List.of("id", "name", "vhost", "app", "tcUrl", "url", "live_ms", "clients", "frames",
              "send_bytes", "recv_bytes", "kbps", "publish", "video", "audio")) {
            assertThat(stream.has(field)).as(path + " stream field " + field + " in " + stream).isTrue();
          }
          assertThat(stream.get("app").asText()).isEqualTo("live");
          assertThat(stream.get("url").asText()).isEqualTo("/live/api");
          assertThat(stream.get("clients").asInt()).as("publisher + 2 players").isEqualTo(3);
          assertThat(stream.get("kbps").has("recv_30s")).isTrue();
          assertThat(stream.get("kbps").has("send_30s")).isTrue();
          assertThat(stream.get("publish").get("active").asBoolean()).isTrue();
          assertThat(stream.get("video").get("codec").asText()).isEqualTo("H264");
          JsonNode video = stream.get("video");
          assertThat(video.get("profile").asText()).isNotEmpty();
          assertThat(video.get("level").asText()).matches("[0-9.b]+");
          assertThat(video.get("width").asInt()).isEqualTo(640);
          assertThat(video.get("height").asInt()).isEqualTo(360);
          assertThat(stream.get("audio").get("codec").asText()).isEqualTo("AAC");
          assertThat(stream.get("audio").get("sample_rate").asInt()).isEqualTo(48000);
          assertThat(stream.get("audio").get("channel").asInt()).isEqualTo(1);
          assertThat(stream.get("audio").get("profile").asText()).isEqualTo("LC");
          JsonNode one = server.api("/api/v1/streams/" + stream.get("id").asText());
          assertThat(one.get("stream").get("name").asText()).isEqualTo("api");
        }
        for (String path : List.of("/api/v1/clients", "/api/v1/clients/")) {
          JsonNode root = server.api(path);
          assertEnvelope(root);
          String streamId = find(server.api("/api/v1/streams").get("streams"), "name", "api").get("id").asText();
          JsonNode pub = find(root.get("clients"), "type", "fmle-publish", "name", "api");
          for (String field : List.of("id", "vhost", "stream", "ip", "pageUrl", "tcUrl", "url", "name", "type",
              "publish", "alive", "send_bytes", "recv_bytes", "kbps")) {
            assertThat(pub.has(field)).as(path + " client field " + field + " in " + pub).isTrue();
          }
          assertThat(pub.get("publish").asBoolean()).isTrue();
          assertThat(pub.get("stream").asText()).isEqualTo(streamId);
          assertThat(pub.get("ip").asText()).isEqualTo("127.0.0.1");
          assertThat(pub.get("tcUrl").asText()).isEqualTo(server.rtmp("live"));
          assertThat(pub.get("recv_bytes").asLong()).isPositive();
          assertThat(find(root.get("clients"), "type", "rtmp-play", "name", "api").get("publish").asBoolean()).isFalse();
          assertThat(find(root.get("clients"), "type", "flv-play", "name", "api").get("publish").asBoolean()).isFalse();
          assertThat(server.api("/api/v1/streams").get("streams").findValues("publish").stream()
              .anyMatch(p -> p.get("cid").asText().equals(pub.get("id").asText()))).isTrue();
        }
        assertThat(server.api("/api/v1/versions").get("data").get("major").asInt()).isZero();
        assertThat(server.api("/api/v1/summaries/").get("data").get("ok").asBoolean()).isTrue();

        // DELETE kicks: the FLV player reads EOF, the FFmpeg RTMP player ends
        await().atMost(Duration.ofSeconds(10)).until(() -> flvPlayer.keyframes.get() > 0);
        String flvId = server.clients("flv-play", "api").getFirst().get("id").asText();
        RawHttp.Response kicked = RawHttp.request(server.port, false, "DELETE", "/api/v1/clients/" + flvId);
        assertThat(kicked.status()).as(kicked.toString()).isEqualTo(200);
        assertThat(kicked.json().get("code").asInt()).isZero();
        // a kick closes at once: the last tag may be cut, so only the end itself is checked
        await().atMost(Duration.ofSeconds(10)).until(flvPlayer::sawEof);

        String rtmpId = server.clients("rtmp-play", "api").getFirst().get("id").asText();
        assertThat(RawHttp.request(server.port, false, "DELETE", "/api/v1/clients/" + rtmpId + "/").status()).isEqualTo(200);
        int code = rtmpPlayer.waitFor(Duration.ofSeconds(15)); // long before its 60 s
        System.out.println("kicked ffmpeg rtmp player exit code " + code);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.clients("rtmp-play", "api").isEmpty()
            && server.clients("flv-play", "api").isEmpty());
        RawHttp.Response gone = RawHttp.request(server.port, false, "DELETE", "/api/v1/clients/" + rtmpId);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("message").asText()).contains(rtmpId);
        assertThat(publisher.isAlive()).as("the publisher is not disturbed\n" + publisher.describe()).isTrue();
      } finally {
        flvPlayer.close();
        rtmpPlayer.kill();
      }
    }
  }

  @Test
  void bundledFfmpegPublishesRtmpsOnTheSamePort() throws Exception {
    try (FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource(server.rtmps("live/s"), Duration.ofSeconds(30),
        1280, 720, 30, 30)) {
      server.awaitLive("live", "s");
      assertH264WithAac("bundled flv", Ffprobe.bundled().probe(server.http("live/s.flv"), Duration.ofSeconds(20)),
          1280, 720, publisher);
      assertH264WithAac("debian rtmps", Ffprobe.debian().probe(server.rtmps("live/s"), Duration.ofSeconds(20)),
          1280, 720, publisher);
      JsonNode pub = server.clients("fmle-publish", "s").getFirst();
      assertThat(pub.get("tcUrl").asText()).startsWith("rtmps://");
    }
  }

  @Test
  void debianFfmpegPublishesRtmpAndRtmps() throws Exception {
    try (FfmpegProcess rtmp = Ffmpeg.debian().publishTestSource(server.rtmp("live/d"), Duration.ofSeconds(30),
        640, 360, 25, 25);
        FfmpegProcess rtmps = Ffmpeg.debian().publishTestSource(server.rtmps("live/ds"), Duration.ofSeconds(30),
            640, 360, 25, 25)) {
      server.awaitLive("live", "d");
      server.awaitLive("live", "ds");
      assertH264WithAac("bundled https-flv of debian rtmp",
          Ffprobe.bundled().probe(server.https("live/d.flv"), Duration.ofSeconds(20)), 640, 360, rtmp);
      assertH264WithAac("debian rtmp of debian rtmps",
          Ffprobe.debian().probe(server.rtmp("live/ds"), Duration.ofSeconds(20)), 640, 360, rtmps);
      assertThat(Ffprobe.debian().countVideoPackets(server.http("live/d.flv"), 2)).isGreaterThanOrEqualTo(25);
    }
  }

  @Test
  void hevcAsEnhancedRtmpReadsBackAsHevcOverFlv() throws Exception {
    try (FfmpegProcess publisher = Ffmpeg.bundled().publishHevcTestSource(server.rtmp("live/h"), Duration.ofSeconds(30),
        640, 360, 30, 30)) {
      server.awaitLive("live", "h");
      var probe = Ffprobe.bundled().probe(server.http("live/h.flv"), Duration.ofSeconds(20));
      var video = probe.video().orElseThrow(() -> new AssertionError("no video: " + probe + "\n" + publisher.describe()));
      assertThat(video.codecName()).isEqualTo("hevc");
      assertThat(video.width()).isEqualTo(640);
      assertThat(video.height()).isEqualTo(360);
      assertThat(probe.audio()).get().extracting(Ffprobe.Stream::codecName).isEqualTo("aac");
      assertThat(Ffprobe.bundled().probe(server.rtmp("live/h"), Duration.ofSeconds(20)).video()).get()
          .extracting(Ffprobe.Stream::codecName).isEqualTo("hevc");
      JsonNode stream = find(server.api("/api/v1/streams").get("streams"), "name", "h");
      assertThat(stream.get("video").get("codec").asText()).isEqualTo("H265");
      assertThat(stream.get("video").get("width").asInt()).isEqualTo(640);
      assertThat(stream.get("video").get("height").asInt()).isEqualTo(360);
    }
  }

  static void assertH264WithAac(String what, Ffprobe.Probe probe, int width, int height, FfmpegProcess publisher) {
    var video = probe.video().orElseThrow(() -> new AssertionError(what + ": no video in " + probe + "\n" + publisher.describe()));
    var audio = probe.audio().orElseThrow(() -> new AssertionError(what + ": no audio in " + probe + "\n" + publisher.describe()));
    assertThat(video.codecName()).as(what).isEqualTo("h264");
    assertThat(video.width()).as(what).isEqualTo(width);
    assertThat(video.height()).as(what).isEqualTo(height);
    assertThat(audio.codecName()).as(what).isEqualTo("aac");
    assertThat(audio.sampleRate()).as(what).isEqualTo(48000);
  }

  static void assertEnvelope(JsonNode root) {
    assertThat(root.get("code").asInt()).isZero();
    for (String f : List.of("server", "service", "pid")) {
      assertThat(root.has(f)).as("envelope field " + f + " in " + root).isTrue();
    }
  }

  /** The element of array whose fields equal the given name/value pairs. */
  static JsonNode find(JsonNode array, String... kv) {
    List<JsonNode> hits = new ArrayList<>();
    for (JsonNode n : array) {
      boolean all = true;
      for (int i = 0; i < kv.length; i += 2) {
        all &= n.has(kv[i]) && n.get(kv[i]).asText().equals(kv[i + 1]);
      }
      if (all) {
        hits.add(n);
      }
    }
    assertThat(hits).as("exactly one match for " + List.of(kv) + " in " + array).hasSize(1);
    return hits.getFirst();
  }

  /** The last "frame=  N" of ffmpeg's progress lines. */
  static long framesReported(FfmpegProcess p) {
    long frames = -1;
    Matcher m = Pattern.compile("frame=\\s*(\\d+)").matcher(p.stderrTail());
    while (m.find()) {
      frames = Long.parseLong(m.group(1));
    }
    return frames;
  }
}
