package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.media.transcode.FfmpegAudioTranscoders;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;

/**
 * Audio and video of an RTMP stream played over WHEP stay in sync, with real peers: FFmpeg 8.1 publishes
 * H.264 + AAC over RTMP, headless Chromium plays it through the bridge (AAC transcoded to Opus) on
 * {@code /players/whep.html?measure=1}. Chromium, chromedriver and the bundled FFmpeg must be present (the
 * test fails otherwise).
 *
 * <p>What it judges is the <b>settled</b> offset, the pairs {@value #FROM_MS}-{@value #TO_MS} ms after the
 * first frame: libwebrtc's A/V sync starts from the video undelayed and eases it towards the audio's delay in
 * 16.7 ms steps over 15-20 s, so in the first seconds Chromium reads +40-110 ms even on its own stream
 * through our SFU (docs/benchmarks.md, RTMP to WHEP A/V offset: calibration in {@code RtmpToWhepAvSyncCheck});
 * in some runs the steps go on until ~20 s. A viewer sees the settled offset after those first seconds. Tagged serial: it runs alone, after the test
 * JVMs that run side by side, because the offset it reads grows with the machine's load (Chromium's jitter
 * buffers deepen, its sync lags). It can fail: {@code -Dtally.test.avSkewMs=300} delays the published audio
 * by 300 ms (FFmpeg {@code -itsoffset}) and the test then reads ~+300 ms and fails.
 */
@Tag("serial")
@Timeout(value = 120)
class RtmpToWhepAvSyncTest {
  /** The window judged, ms after the first frame: after libwebrtc's sync has settled. */
  static final long FROM_MS = 20_000;
  static final long TO_MS = 30_000;
  /** The goal (issue: A/V offset <= 100 ms from the test pattern's beep and flash). */
  static final double MAX_OFFSET_MS = 100;

  /**
   * FFmpeg publishes a picture that is black except for a white flash of 100 ms at each whole second and
   * silence except for an 880 Hz beep of 100 ms at the same instants; the page times each flash at its
   * display time and each beep at its output time; the median offset (beep - flash) of the pairs in the
   * settled window must be within 100 ms, with video decoded and audio samples received.
   */
  @Test
  void chromiumPlaysAnRtmpStreamWithAudioAndVideoInSync() throws Exception {
    long skewMs = Long.getLong("tally.test.avSkewMs", 0);
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withConfigDir(Files.createTempDirectory("tally-avsync-test").toString());
    try (TallyServer server = TallyServer.start(c, "0.1.0-test", new FfmpegAudioTranscoders());
        FfmpegProcess publisher = Ffmpeg.bundled().start(flashAndBeep("rtmp://127.0.0.1:"
            + server.boundAddresses().getFirst().getPort() + "/live/sync", skewMs));
        ChromeDriverClient chrome = new ChromeDriverClient();
        ChromeDriverClient.Browser player = chrome.open();
        HttpClient http = HttpClient.newHttpClient()) {
      RtmpToWhepTest.awaitLive(server, "sync");
      String base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
      player.navigate(base + "/players/whep.html?app=live&stream=sync&measure=1");
      JsonNode s = AvPairs.record(player, TO_MS, () -> bridgeLags(http, base));
      List<Double> settled = AvPairs.window(s, FROM_MS, TO_MS + 1);
      double median = AvPairs.median(settled);
      String report = String.format(Locale.ROOT, "audio skew %d ms: median offset %.1f ms (audio later if > 0) over"
          + " %d pairs %d-%d s after the first frame (early 4-14 s: %.1f ms, 15-30 s: %.1f ms); load %s; every pair (s: ms): %s",
          skewMs, median, settled.size(), FROM_MS / 1000, TO_MS / 1000, AvPairs.median(AvPairs.window(s, 4000, 14_000)),
          AvPairs.median(AvPairs.window(s, 15_000, TO_MS + 1)),
          Files.readString(Path.of("/proc/loadavg")).strip(), AvPairs.timeline(s));
      System.out.println(report);
      assertThat(s.path("framesDecoded").asLong()).as("video frames decoded (at least 15 fps on average)").isGreaterThan(TO_MS / 1000 * 15);
      assertThat(s.path("audioSamplesReceived").asLong()).as("audio samples received").isPositive();
      assertThat(settled.size()).as("flash/beep pairs in the window: " + report).isGreaterThanOrEqualTo(8);
      assertThat(Math.abs(median)).as("|median A/V offset| ms: " + report).isLessThanOrEqualTo(MAX_OFFSET_MS);
    }
  }

  /** The bridge's lag counters: how late each track's units leave (mean and spread over the last second). */
  static String bridgeLags(HttpClient http, String base) {
    try {
      String streams = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/streams")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      StringBuilder sb = new StringBuilder();
      new ObjectMapper().readTree(streams).path("streams").forEach(st -> {
        JsonNode b = st.path("bridge");
        if (!b.isMissingNode()) {
          sb.append(String.format("bridge lag ms: audio %s (spread %s), video %s (spread %s)", b.path("audio_lag_ms"),
              b.path("audio_lag_spread_ms"), b.path("video_lag_ms"), b.path("video_lag_spread_ms")));
        }
      });
      return sb.toString();
    } catch (java.io.IOException e) {
      return "bridge counters: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "bridge counters: interrupted";
    }
  }

  /**
   * Black 640x360 at 30 fps with a white picture for the first 100 ms of every second, and an 880 Hz
   * beep in the same 100 ms (silence otherwise); the audio's timestamps delayed by {@code audioDelayMs}.
   */
  static List<String> flashAndBeep(String url, long audioDelayMs) {
    List<String> args = new ArrayList<>(List.of(
        "-re", "-f", "lavfi", "-i", "color=c=black:size=640x360:rate=30,"
            + "drawbox=c=white:t=fill:enable='lt(mod(t,1),0.1)'"));
    if (audioDelayMs != 0) {
      args.addAll(List.of("-itsoffset", String.format(Locale.ROOT, "%.3f", audioDelayMs / 1000.0)));
    }
    args.addAll(List.of("-re", "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*880*t)*lt(mod(t\\,1)\\,0.1):s=48000",
        "-t", "90", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", "30", "-b:v", "500k", "-c:a", "aac", "-b:a", "128k", "-f", "flv", url));
    return args;
  }
}
