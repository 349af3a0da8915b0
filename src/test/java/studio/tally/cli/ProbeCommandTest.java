package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Element;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.FreePort;
import studio.tally.testing.NginxRtmp;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally probe} as a user runs it (a child process), against real publishers and servers:
 * {@code tally publish}'s test pattern and FFmpeg into our server and nginx-rtmp, played over
 * HTTP-FLV, HTTPS-FLV and RTMP; the JSON and JUnit XML it writes are parsed here.
 */
@ExtendWith(PeerReaper.class)
class ProbeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode probe(PeerProcess p, int expectedExit) throws Exception {
    assertThat(p.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(p)).isEqualTo(expectedExit);
    return JSON.readTree(String.join("\n", TallyCli.stdout(p)));
  }

  private static JsonNode stream(JsonNode root, String url) {
    for (JsonNode s : root.get("streams")) if (s.get("url").asText().equals(url)) return s;
    throw new AssertionError("no stream " + url + " in " + root.toPrettyString());
  }

  @Test
  void testPatternOverFlvAndRtmpPassesWithLatencyFromTheTimeCodeAndWritesJunit() throws Exception {
    Path junit = PeerFiles.newDir("probe-junit").resolve("probe.xml");
    try (var ours = InProcessServer.start()) {
      PeerProcess tally = TallyCli.start("publish", "--source", "test", "--size", "640x360", "--fps", "30",
          "--bitrate", "1000", "--to", ours.rtmp("live/p"), "--duration", "25");
      ours.awaitLive("live", "p", Duration.ofSeconds(30), () -> !tally.isAlive());
      String flv = ours.httpFlv("live/p");
      String rtmp = ours.rtmp("live/p");
      // limits a loaded CI machine meets too: the figures themselves are checked below
      PeerProcess probe = TallyCli.start("probe", flv, rtmp, "--duration", "5", "--json", "--expect-fps", "30",
          "--max-latency-ms", "5000", "--min-kbps", "200", "--max-freezes", "50", "--junit", junit.toString());
      JsonNode root = probe(probe, 0);
      for (String url : List.of(flv, rtmp)) {
        JsonNode s = stream(root, url);
        assertThat(s.get("status").asText()).as(s.toPrettyString()).isEqualTo("pass");
        assertThat(s.get("video_codec").asText()).isEqualTo("H264");
        assertThat(s.get("width").asInt()).isEqualTo(640);
        assertThat(s.get("height").asInt()).isEqualTo(360);
        assertThat(s.get("fps").asDouble()).as(s.toPrettyString()).isBetween(27.0, 33.0);
        assertThat(s.get("frames").asLong()).isGreaterThan(60);
        assertThat(s.get("time_to_first_frame_ms").asDouble()).isPositive();
        assertThat(s.get("timecoded_frames").asLong()).as("the test pattern's block code is read back").isEqualTo(s.get("frames").asLong());
        assertThat(s.get("latency_ms").get("median").asDouble()).isPositive();
        assertThat(s.get("dropped_frames").asLong()).as("frames the publisher made that did not arrive, if any, are counted")
            .isLessThan(s.get("frames").asLong() / 4);
        assertThat(s.get("audio_codec").asText()).isEqualTo("AAC");
        assertThat(s.get("audio_samples").asLong()).isGreaterThan(48_000);
        assertThat(s.get("av_offset_ms").isNumber()).isTrue();
      }
      assertThat(root.get("summary").get("pass").asInt()).isEqualTo(2);
      assertThat(root.get("summary").get("exit_code").asInt()).isZero();
      Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile()).getDocumentElement();
      assertThat(suite.getAttribute("tests")).isEqualTo("2");
      assertThat(suite.getAttribute("failures")).isEqualTo("0");
      assertThat(suite.getAttribute("errors")).isEqualTo("0");
      assertThat(suite.getElementsByTagName("testcase").getLength()).isEqualTo(2);
      tally.stop();
    }
  }

  @Test
  void fifteenFpsWithExpectFps30ExitsOneWithTheFigureOnNginxRtmp() throws Exception {
    try (var nginx = NginxRtmp.start();
        FfmpegProcess ffmpeg = Ffmpeg.bundled().publishTestSource(nginx.rtmpUrl("slow"), Duration.ofSeconds(30), 320, 240, 15, 15)) {
      PeerProcess probe = TallyCli.start("probe", nginx.rtmpUrl("slow"), "--duration", "4", "--json", "--expect-fps", "30");
      JsonNode s = stream(probe(probe, 1), nginx.rtmpUrl("slow"));
      assertThat(s.get("status").asText()).isEqualTo("fail");
      assertThat(s.get("fps").asDouble()).as(s.toPrettyString()).isBetween(14.0, 16.0);
      assertThat(s.get("reasons").get(0).asText()).as(s.toPrettyString())
          .startsWith("fps " + fmt(s.get("fps").asDouble()) + " below the expected 30 (").contains("%, at least 27 needed)");
      assertThat(s.get("latency_ms").isNull()).as("testsrc2 has no block time code").isTrue();
      ffmpeg.stop();
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  @Test
  void aPublisherFrozenForTwoSecondsIsOneFreezeOfAboutTwoSeconds() throws Exception {
    try (var ours = InProcessServer.start()) {
      // no frames between t = 10 s and 12 s, and no duplicates to fill the hole (passthrough); the probe starts
      // well before t = 10 s even on a loaded machine and plays until after 12 s
      List<String> args = new ArrayList<>(List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
          "-t", "30", "-vf", "select='not(between(t,10,12))'", "-fps_mode", "passthrough", "-an",
          "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p",
          "-f", "flv", ours.rtmp("live/frozen")));
      try (FfmpegProcess ffmpeg = Ffmpeg.bundled().start(args)) {
        ours.awaitLive("live", "frozen", Duration.ofSeconds(30), () -> !ffmpeg.isAlive());
        PeerProcess probe = TallyCli.start("probe", ours.httpFlv("live/frozen"), "--duration", "15", "--json", "--max-freezes", "0");
        JsonNode s = stream(probe(probe, 1), ours.httpFlv("live/frozen"));
        // the 2 s hole is one freeze of about 2 s (on a loaded machine the publisher may stall briefly too)
        assertThat(s.get("freeze_count").asInt()).as(s.toPrettyString()).isPositive();
        assertThat(s.get("longest_freeze_ms").asDouble()).as(s.toPrettyString()).isBetween(1700.0, 2600.0);
        assertThat(s.get("total_freeze_ms").asDouble()).isGreaterThanOrEqualTo(s.get("longest_freeze_ms").asDouble());
        assertThat(s.get("reasons").get(0).asText()).startsWith(s.get("freeze_count").asInt() + " freezes (")
            .endsWith("more than the maximum 0");
        ffmpeg.stop();
      }
    }
  }

  @Test
  void closedPortMissingStreamsAndAnUntrustedCertificateExitTwoWithTheReason() throws Exception {
    int closed = FreePort.tcp();
    try (var ours = InProcessServer.start()) {
      PeerProcess tally = TallyCli.start("publish", "--source", "test", "--size", "320x240", "--fps", "30",
          "--bitrate", "500", "--to", ours.rtmp("live/t"), "--duration", "25");
      ours.awaitLive("live", "t", Duration.ofSeconds(30), () -> !tally.isAlive());
      String refused = "rtmp://127.0.0.1:" + closed + "/live/x";
      String missingFlv = ours.httpFlv("live/none");
      String missingRtmp = ours.rtmp("live/none");
      String untrusted = "https://127.0.0.1:" + ours.port + "/live/t.flv";
            // a long run: the probe ends as soon as every stream has failed
      JsonNode root = probe(TallyCli.start("probe", refused, missingFlv, missingRtmp, untrusted, "--duration", "30", "--json"), 2);
      assertThat(stream(root, refused).get("failure").get("kind").asText()).isEqualTo("refused");
      assertThat(stream(root, refused).get("reasons").get(0).asText()).contains("connection refused by 127.0.0.1:" + closed);
      assertThat(stream(root, missingFlv).get("failure").get("kind").asText()).isEqualTo("not_found");
      assertThat(stream(root, missingFlv).get("reasons").get(0).asText()).contains("HTTP 404");
      assertThat(stream(root, missingRtmp).get("failure").get("kind").asText()).isEqualTo("not_found");
      assertThat(stream(root, missingRtmp).get("reasons").get(0).asText()).contains("NetStream.Play.StreamNotFound");
      JsonNode tls = stream(root, untrusted);
      assertThat(tls.get("failure").get("kind").asText()).isEqualTo("tls_untrusted");
      assertThat(tls.get("reasons").get(0).asText()).contains("certificate not trusted").contains(ours.fingerprint());
      for (JsonNode s : root.get("streams")) assertThat(s.get("status").asText()).isEqualTo("no_connect");
      assertThat(root.get("summary").get("exit_code").asInt()).isEqualTo(2);

      // the same certificate pinned plays, over HTTPS-FLV and RTMPS (up to the first picture of each)
      String rtmps = ours.rtmps("live/t");
      JsonNode pinned = probe(TallyCli.start("probe", untrusted, rtmps, "--duration", "30", "--until-first-frame", "--json",
          "--tls-fingerprint", ours.fingerprint()), 0);
      assertThat(stream(pinned, untrusted).get("frames").asLong()).isPositive();
      assertThat(stream(pinned, rtmps).get("frames").asLong()).isPositive();
      tally.stop();
    }
  }

  @Test
  void aUrlWeDoNotPlayIsAUsageErrorNamingTheShapes() throws Exception {
    PeerProcess p = TallyCli.start("probe", "ftp://example/x", "--duration", "1");
    assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(Files.readString(p.stderrFile())).contains("unsupported URL ftp://example/x")
        .contains("rtmp(s)://host/app/stream");
    PeerProcess help = TallyCli.start("probe", "--help");
    assertThat(help.waitFor(Duration.ofSeconds(30))).isZero();
    assertThat(String.join("\n", TallyCli.stdout(help))).contains("Fail below 90 % of N frames per second.");
    assertThat(Files.readString(help.stderrFile())).doesNotContain("picocli WARN");
  }
}
