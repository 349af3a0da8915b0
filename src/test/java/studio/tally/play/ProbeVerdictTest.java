package studio.tally.play;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The probe's verdicts, reasons, exit codes, URL shapes, JSON and JUnit XML, on made-up figures. */
class ProbeVerdictTest {

  private static QaReport report(long frames, double fps, double kbps, int freezes, QaReport.Latency latency) {
    return new QaReport(5, 12.0, 80.0, "H264", 640, 360, List.of("640x360"), 0, frames, fps, kbps, kbps - 100, 100,
        freezes, freezes * 500.0, freezes > 0 ? 500.0 : 0, 0, latency == null ? 0 : frames, latency, "AAC", 48000, 2, 200, 204_800, 3.5);
  }

  @Test
  void everyMissedExpectationIsAReasonWithTheFigureAndTheDifference() {
    var e = new ProbeExpectations(30.0, 200L, 2000.0, 0);
    ProbeResult r = Probe.judge("u", report(75, 15, 1500, 2, new QaReport.Latency(350, 100, 900, 75)), null, e);
    assertThat(r.status()).isEqualTo(ProbeResult.Status.FAIL);
    assertThat(r.reasons()).containsExactly(
        "fps 15 below the expected 30 (-50.0 %, at least 27 needed)",
        "latency 350 ms (median) above the maximum 200 ms (+150 ms)",
        "bitrate 1500 kbit/s below the minimum 2000 kbit/s (-25.0 %)",
        "2 freezes (1000 ms in all), more than the maximum 0");
  }

  @Test
  void figuresWithinTheLimitsPassAndTheFpsToleranceIsTenPercent() {
    var e = new ProbeExpectations(30.0, 200L, 1000.0, 1);
    ProbeResult r = Probe.judge("u", report(140, 27.0, 1000, 1, new QaReport.Latency(200, 100, 900, 140)), null, e);
    assertThat(r.reasons()).isEmpty();
    assertThat(r.status()).isEqualTo(ProbeResult.Status.PASS);
    assertThat(Probe.judge("u", report(140, 26.9, 1000, 0, null), null, new ProbeExpectations(30.0, null, null, null))
        .status()).isEqualTo(ProbeResult.Status.FAIL);
  }

  @Test
  void aLatencyExpectationWithoutTimeCodeFailsAndSaysHowToGetOne() {
    ProbeResult r = Probe.judge("u", report(140, 30, 1000, 0, null), null, new ProbeExpectations(null, 500L, null, null));
    assertThat(r.reasons()).singleElement().asString().startsWith("latency unknown").contains("tally publish --source test");
  }

  @Test
  void noPictureIsNoConnectAndAStreamThatStopsFails() {
    var refused = new PlayFailure(PlayFailure.Kind.REFUSED, "connection refused by h:1 (nothing listens there)");
    ProbeResult none = Probe.judge("u", report(0, 0, 0, 0, null), refused, ProbeExpectations.none());
    assertThat(none.status()).isEqualTo(ProbeResult.Status.NO_CONNECT);
    assertThat(none.reasons()).containsExactly("refused: connection refused by h:1 (nothing listens there)");
    ProbeResult silent = Probe.judge("u", report(0, 0, 0, 0, null), null, ProbeExpectations.none());
    assertThat(silent.reasons()).singleElement().asString().startsWith("bad_stream: no picture within 5 s of playing");
    assertThat(silent.failure().kind()).isEqualTo(PlayFailure.Kind.BAD_STREAM);
    QaReport neverPlaying = new QaReport(5, null, null, null, 0, 0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0,
        0, 0, 0, null);
    assertThat(Probe.judge("u", neverPlaying, null, ProbeExpectations.none()).reasons()).singleElement().asString()
        .startsWith("timeout: still not playing after 5 s");
    ProbeResult stopped = Probe.judge("u", report(30, 30, 1000, 0, null),
        new PlayFailure(PlayFailure.Kind.ENDED, "the server closed the connection"), ProbeExpectations.none());
    assertThat(stopped.status()).isEqualTo(ProbeResult.Status.FAIL);
    assertThat(ProbeResult.exitCode(List.of(stopped, none))).isEqualTo(2);
    assertThat(ProbeResult.exitCode(List.of(stopped))).isEqualTo(1);
    assertThat(ProbeResult.exitCode(List.of())).isZero();
  }

  @Test
  void urlShapes() {
    assertThat(PlayUrl.parse("https://h:8443/live/s.flv?token=a")).isEqualTo(
        new PlayUrl.Flv("https://h:8443/live/s.flv?token=a", true, "h", 8443, "/live/s.flv?token=a"));
    assertThat(PlayUrl.parse("http://[::1]/a/b.FLV")).isEqualTo(new PlayUrl.Flv("http://[::1]/a/b.FLV", false, "::1", 80, "/a/b.FLV"));
    assertThat(PlayUrl.parse("rtmps://h/live/s")).isInstanceOf(PlayUrl.Rtmp.class);
    assertThat(PlayUrl.parse("http://h/whep/live/s")).isEqualTo(
        new PlayUrl.Whep("http://h/whep/live/s", java.net.URI.create("http://h/whep/live/s")));
    assertThat(PlayUrl.parse("webrtc://h/live/s")).isEqualTo(
        new PlayUrl.WebRtc("webrtc://h/live/s", java.net.URI.create("http://h:1985/rtc/v1/play/")));
    assertThatThrownBy(() -> PlayUrl.parse("webrtc://h/live")).hasMessageContaining("/app/stream");
    assertThatThrownBy(() -> PlayUrl.parse("srt://h:9000")).hasMessageContaining("unsupported URL srt://h:9000");
    assertThatThrownBy(() -> PlayUrl.parse("rtmp://h/live")).hasMessageContaining("stream key");
    assertThatThrownBy(() -> PlayUrl.parse(" ")).hasMessage("empty URL");
  }

  @Test
  void jsonHasOneObjectPerUrlWithTheDocumentedNamesAndASummary() throws Exception {
    var pass = Probe.judge("http://h/a.flv", report(150, 30, 1500, 0, new QaReport.Latency(120.5, 90, 400, 150)), null,
        ProbeExpectations.none());
    var fail = Probe.judge("rtmp://h/a/b", report(0, 0, 0, 0, null),
        new PlayFailure(PlayFailure.Kind.NOT_FOUND, "HTTP 404 <&>"), ProbeExpectations.none());
    JsonNode root = new ObjectMapper().readTree(ProbeReports.json(List.of(pass, fail)));
    JsonNode s = root.get("streams").get(0);
    for (String name : List.of("url", "status", "reasons", "failure", "duration_s", "connect_ms", "time_to_first_frame_ms",
        "video_codec", "width", "height", "resolutions", "resolution_changes", "frames", "fps", "bitrate_kbps",
        "video_kbps", "audio_kbps", "freeze_count", "total_freeze_ms", "longest_freeze_ms", "dropped_frames", "timecoded_frames",
        "latency_ms", "audio_codec", "sample_rate", "channels", "audio_frames", "audio_samples", "av_offset_ms")) {
      assertThat(s.has(name)).as(name).isTrue();
    }
    assertThat(s.get("latency_ms").get("median").asDouble()).isEqualTo(120.5);
    assertThat(root.get("streams").get(1).get("failure").get("kind").asText()).isEqualTo("not_found");
    assertThat(root.get("summary").toString()).isEqualTo("{\"streams\":2,\"pass\":1,\"fail\":0,\"no_connect\":1,\"exit_code\":2}");

    Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(ProbeReports.junit(List.of(pass, fail)).getBytes(StandardCharsets.UTF_8)))
        .getDocumentElement();
    assertThat(suite.getAttribute("tests")).isEqualTo("2");
    assertThat(suite.getAttribute("errors")).isEqualTo("1");
    Element error = (Element) suite.getElementsByTagName("error").item(0);
    assertThat(error.getAttribute("type")).isEqualTo("not_found");
    assertThat(error.getAttribute("message")).isEqualTo("not_found: HTTP 404 <&>");
  }

  @Test
  void webrtcFiguresHaveTheirDocumentedNamesInJsonAndTheOverlayAndAreNullForFlv() throws Exception {
    QaReport r = report(150, 30, 1500, 0, null);
    var w = new QaReport.WebRtc("tcp", 3.0, 1.5, 2.5, 900, 9, 0.99, 4, 1, 0, 25.0, 0, 0.0, 30.0, 2, 480);
    QaReport withRtc = new QaReport(r.durationS(), r.connectMs(), r.timeToFirstFrameMs(), r.videoCodec(), r.width(), r.height(),
        r.resolutions(), r.resolutionChanges(), r.frames(), r.fps(), r.bitrateKbps(), r.videoKbps(), r.audioKbps(),
        r.freezeCount(), r.totalFreezeMs(), r.longestFreezeMs(), r.droppedFrames(), r.timecodedFrames(), r.latency(),
        r.audioCodec(), r.sampleRate(), r.channels(), r.audioFrames(), r.audioSamples(), r.avOffsetMs(), w);
    JsonNode root = new ObjectMapper().readTree(ProbeReports.json(List.of(
        Probe.judge("http://h/whep", withRtc, null, ProbeExpectations.none()),
        Probe.judge("http://h/a.flv", r, null, ProbeExpectations.none()))));
    JsonNode rtc = root.at("/streams/0/webrtc");
    for (String name : List.of("transport", "rtt_ms", "jitter_ms", "audio_jitter_ms", "packets_received", "packets_lost",
        "packet_loss_pct", "nack_count", "pli_count", "fir_count", "jitter_buffer_ms", "freeze_count", "total_freeze_ms", "fps",
        "frames_dropped", "concealed_samples")) {
      assertThat(rtc.has(name)).as(name).isTrue();
    }
    assertThat(rtc.get("nack_count").asLong()).isEqualTo(4);
    assertThat(rtc.get("transport").asText()).isEqualTo("tcp");
    assertThat(root.at("/streams/1/webrtc").isNull()).isTrue();
    assertThat(ProbeReports.figures(withRtc)).containsEntry("webrtc.pli_count", "1").containsEntry("webrtc.transport", "tcp")
        .doesNotContainKey("webrtc");
    assertThat(ProbeReports.figures(r).keySet()).noneMatch(k -> k.startsWith("webrtc"));
  }

  @Test
  void webrtcConnectFailuresSayWhich() {
    assertThat(WhepSource.failure(new studio.tally.rtc.RtcException.Refused("POST", "u", 404, "no stream")).kind())
        .isEqualTo(PlayFailure.Kind.NOT_FOUND);
    assertThat(WhepSource.failure(new studio.tally.rtc.RtcException.Refused("POST", "u", 401, "token")).kind())
        .isEqualTo(PlayFailure.Kind.REJECTED);
    assertThat(WhepSource.failure(new studio.tally.rtc.RtcException.Unreachable("u", new java.net.ConnectException("refused"))).kind())
        .isEqualTo(PlayFailure.Kind.REFUSED);
    assertThat(WhepSource.failure(new studio.tally.rtc.RtcException.NegotiationFailed("setRemoteDescription(answer)", "x")).kind())
        .isEqualTo(PlayFailure.Kind.BAD_SDP);
    assertThat(WhepSource.failure(new studio.tally.rtc.RtcException.TimedOut("connecting (ICE + DTLS)", java.time.Duration.ofSeconds(1))))
        .satisfies(f -> {
          assertThat(f.kind()).isEqualTo(PlayFailure.Kind.ICE_FAILED);
          assertThat(f.reason()).contains("--ice-tcp-only");
        });
    assertThat(WhepSource.failure(new studio.tally.rtc.RtcException.NegotiationFailed("connecting (ICE + DTLS)", "connection FAILED"))
        .kind()).isEqualTo(PlayFailure.Kind.ICE_FAILED);
  }
}
