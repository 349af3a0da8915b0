package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.media.transcode.FfmpegAudioTranscoders;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.bridge.AudioTranscoderFactory;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;

/**
 * RTMP -> WebRTC through the bridge with real peers: FFmpeg 8.1 publishes H.264 + AAC over RTMP,
 * headless Chromium plays it with /players/whep.html (frames decoded and audio samples from its
 * getStats). Chromium, chromedriver and the bundled FFmpeg must be present (the test fails otherwise).
 */
@Timeout(value = 150)
class RtmpToWhepTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ChromeDriverClient chrome;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private String base;
  private int port;

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
  void tearDown() {
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

  private void start(AudioTranscoderFactory transcoders) throws Exception {
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withConfigDir(Files.createTempDirectory("tally-bridge-test").toString());
    server = TallyServer.start(c, "0.1.0-test", transcoders);
    port = server.boundAddresses().getFirst().getPort();
    base = "http://127.0.0.1:" + port;
  }

  private FfmpegProcess publish(FfmpegProcess p) {
    closeables.add(p);
    return p;
  }

  private String rtmp(String name) {
    return "rtmp://127.0.0.1:" + port + "/live/" + name;
  }

  private void awaitLive(String name) {
    awaitLive(server, name);
  }

  static void awaitLive(TallyServer server, String name) {
    StreamKey key = new StreamKey("live", name);
    org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> server.hub().stream(key).map(s -> s.hasVideo() && s.publisher() != null).orElse(false));
  }

  private ChromeDriverClient.Browser play(String name) throws Exception {
    ChromeDriverClient.Browser b = chrome.open();
    closeables.add(b);
    b.navigate(base + "/players/whep.html?app=live&stream=" + name);
    return b;
  }

  /** The page's state once {@code done} holds (a page error fails at once): {@link ChromeDriverClient.Browser#await}. */
  static JsonNode await(ChromeDriverClient.Browser b, String what, Duration wait, Predicate<JsonNode> done) {
    return b.await(what, wait, done);
  }

  private JsonNode streams() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/streams"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).path("streams");
  }

  private JsonNode stream(String name, String source) throws Exception {
    for (JsonNode s : streams()) {
      if (s.path("name").asText().equals(name) && s.path("source").asText("").equals(source)) {
        return s;
      }
    }
    throw new AssertionError("no " + (source.isEmpty() ? "RTMP" : source + "-fed WebRTC") + " stream " + name
        + " in " + streams());
  }

  @Test
  void chromiumPlaysAnRtmpStreamWithVideoAndAudioAndAJoinerStartsFromTheCachedGop() throws Exception {
    start(new FfmpegAudioTranscoders());
    // a 20 s GOP: a player joining 3 s in would wait ~17 s for the encoder's next keyframe
    publish(Ffmpeg.bundled().publishTestSource(rtmp("cam"), Duration.ofSeconds(60), 640, 360, 30, 600));
    awaitLive("cam");
    Thread.sleep(3000);
    ChromeDriverClient.Browser player = play("cam");
    JsonNode first = await(player, "first frame decoded from the cached GOP", Duration.ofSeconds(12),
        s -> s.path("framesDecoded").asInt() > 0);
    JsonNode s = await(player, "60 frames and audio samples", WAIT,
        st -> st.path("framesDecoded").asInt() > 60 && st.path("audioSamplesReceived").asLong() > 0);
    System.out.printf("rtmp->whep: POST->connected %d ms, first state %s, then frames %d, audio packets %d,"
        + " samples %d, %dx%d%n", first.path("postToConnectedMs").asInt(), first, s.path("framesDecoded").asInt(),
        s.path("audioPacketsReceived").asInt(), s.path("audioSamplesReceived").asLong(), s.path("width").asInt(),
        s.path("height").asInt());
    assertThat(s.path("width").asInt()).isEqualTo(640);

    JsonNode bridged = stream("cam", "rtmp");
    assertThat(bridged.path("video").path("codec").asText()).isEqualTo("H264");
    assertThat(bridged.path("audio").path("codec").asText()).isEqualTo("Opus");
    assertThat(bridged.path("bridge").path("gop_replays").asLong()).as("the joiner got the cached GOP").isPositive();
    assertThat(bridged.path("bridge").path("audio_packets").asLong()).isPositive();
    assertThat(stream("cam", "").path("video").path("b_frames").asBoolean()).isFalse();
    assertThat(server.bridges().counters().started.sum()).isEqualTo(1);

    // the bridge stops when its last WebRTC player leaves (WHEP DELETE)
    HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(base + s.path("location").asText()))
        .DELETE().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(200);
    org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> server.bridges().running() == 0);
  }

  /**
   * AV1 over Enhanced RTMP (FFmpeg 8.1's FLV muxer, SVT-AV1) passes through to a WebRTC player that
   * negotiates AV1: Chromium decodes it (its own decoder, dav1d), with the AAC audio as Opus.
   */
  @Test
  void anEnhancedRtmpAv1StreamPlaysInChromiumAsAv1() throws Exception {
    start(new FfmpegAudioTranscoders());
    publish(Ffmpeg.bundled().start(List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "60",
        "-c:v", "libsvtav1", "-preset", "12", "-g", "60", "-pix_fmt", "yuv420p", "-b:v", "800k",
        "-c:a", "aac", "-b:a", "128k", "-f", "flv", rtmp("av1"))));
    awaitLive("av1");
    ChromeDriverClient.Browser player = play("av1");
    JsonNode s = await(player, "AV1 frames decoded, with audio", WAIT,
        st -> st.path("framesDecoded").asInt() > 60 && st.path("audioSamplesReceived").asLong() > 0);
    System.out.printf("rtmp av1 -> whep: %s%n", s);
    assertThat(s.path("videoCodec").asText()).isEqualTo("video/AV1");
    assertThat(s.path("width").asInt()).isEqualTo(640);
    assertThat(s.path("height").asInt()).isEqualTo(360);
    JsonNode bridged = stream("av1", "rtmp");
    assertThat(bridged.path("video").path("codec").asText()).isEqualTo("AV1");
    assertThat(bridged.path("bridge").path("video_packets").asLong()).isPositive();
  }

  private void publishWithBFrames(String name) {
    publish(Ffmpeg.bundled().start(List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "60",
        "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "60", "-pix_fmt", "yuv420p", "-b:v", "1000k",
        "-c:a", "aac", "-b:a", "128k", "-f", "flv", rtmp(name))));
  }

  @Test
  void aStreamWithBFramesIsFlaggedAndPlaysWithThemDropped() throws Exception {
    start(new FfmpegAudioTranscoders());
    server.bridges().setDropBFrames(new StreamKey("live", "bfdrop"), true);
    publishWithBFrames("bf");
    publishWithBFrames("bfdrop");
    awaitLive("bf");
    org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> server.hub().stream(new StreamKey("live", "bf")).orElseThrow().hasBFrames());
    assertThat(stream("bf", "").path("video").path("b_frames").asBoolean()).isTrue();
    awaitLive("bfdrop");
    ChromeDriverClient.Browser dropping = play("bfdrop");
    // past the cached GOP (60 frames, about 20 once its B-frames are gone): live frames keep decoding
    JsonNode d = await(dropping, "frames decoded with the B-frames dropped", WAIT,
        st -> st.path("framesDecoded").asInt() > 60);
    assertThat(stream("bfdrop", "rtmp").path("bridge").path("b_frames_dropped").asLong()).isPositive();

    ChromeDriverClient.Browser player = play("bf");
    JsonNode k = await(player, "first frames of a B-frame stream", WAIT, st -> st.path("framesDecoded").asInt() > 0);
    Thread.sleep(5000);
    JsonNode later = player.state();
    System.out.printf("b-frames: dropped -> %d frames decoded; kept -> %d then %d frames 5 s later%n",
        d.path("framesDecoded").asInt(), k.path("framesDecoded").asInt(), later.path("framesDecoded").asInt());
    JsonNode bridge = stream("bf", "rtmp").path("bridge");
    assertThat(bridge.path("b_frames").asBoolean()).isTrue();
    assertThat(bridge.path("b_frames_dropped").asLong()).isZero();
  }

  @Test
  void withoutATranscoderPlayersGetVideoOnlyAndTheAudioIsCounted() throws Exception {
    start(null);
    publish(Ffmpeg.bundled().publishTestSource(rtmp("mute"), Duration.ofSeconds(60), 320, 240, 30, 30));
    awaitLive("mute");
    ChromeDriverClient.Browser player = play("mute");
    JsonNode s = await(player, "video without audio", WAIT, st -> st.path("framesDecoded").asInt() > 30);
    assertThat(s.path("audioPacketsReceived").asInt()).isZero();
    assertThat(server.bridges().counters().audioDropped.sum()).isPositive();
    assertThat(stream("mute", "rtmp").path("audio").isNull()).isTrue();
  }

  @Test
  void aBadAudioSpecificConfigIsCountedAndSkippedAndTheVideoGoesOn() throws Exception {
    start(new FfmpegAudioTranscoders());
    // FFmpeg makes a real H.264 + AAC FLV; its tags go into the hub with the AAC sequence header garbled
    java.nio.file.Path flv = Files.createTempFile("tally-bad-asc", ".flv");
    FfmpegProcess make = Ffmpeg.bundled().start(List.of(
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", "90", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-f", "flv", flv.toString()));
    make.waitForSuccess(Duration.ofSeconds(90));
    List<studio.tally.proto.flv.FlvTag> tags = new ArrayList<>();
    try (var reader = new studio.tally.proto.flv.FlvTagReader()) {
      reader.read(io.netty.buffer.Unpooled.wrappedBuffer(Files.readAllBytes(flv)), tags);
    }
    StreamKey key = new StreamKey("live", "badasc");
    var client = new studio.tally.server.hub.Client("pub1", studio.tally.server.hub.Client.Type.RTMP_PUBLISH,
        "127.0.0.1", key, "", "", java.time.Instant.now(), r -> { });
    var publication = server.hub().publish(key, client, "");
    Thread pacer = Thread.ofPlatform().daemon().start(() -> {
      long t0 = System.nanoTime();
      try {
        for (var t : tags) {
          long due = t0 + t.timestamp() * 1_000_000;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
          }
          io.netty.buffer.ByteBuf body = t.body().retainedDuplicate();
          if (t.type() == studio.tally.proto.flv.FlvTag.AUDIO && body.getUnsignedByte(body.readerIndex() + 1) == 0) {
            body.release();
            body = io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0, (byte) 0xFF, (byte) 0xFF});
          }
          var kind = switch (t.type()) {
            case studio.tally.proto.flv.FlvTag.AUDIO -> studio.tally.server.hub.MediaTag.Kind.AUDIO;
            case studio.tally.proto.flv.FlvTag.VIDEO -> studio.tally.server.hub.MediaTag.Kind.VIDEO;
            default -> studio.tally.server.hub.MediaTag.Kind.SCRIPT;
          };
          publication.onMedia(kind, t.timestamp(), body);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    closeables.add(() -> {
      pacer.interrupt();
      publication.close();
      tags.forEach(studio.tally.proto.flv.FlvTag::release);
    });
    awaitLive("badasc");
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> pacer.isAlive()); // 90 s of tags, paced
    ChromeDriverClient.Browser player = play("badasc");
    JsonNode s = await(player, "video despite the bad AudioSpecificConfig", WAIT,
        st -> st.path("framesDecoded").asInt() > 60);
    assertThat(s.path("audioPacketsReceived").asInt()).isZero();
    assertThat(server.bridges().counters().badAudioConfig.sum()).isPositive();
    assertThat(stream("badasc", "rtmp").path("bridge").path("video_packets").asLong()).isPositive();
  }
}
