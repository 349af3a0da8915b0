package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.config.Destination;
import studio.tally.config.RecordingSettings;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.NginxRtmp;

/** RTMPS trust, encoder fallback, MKV recordings and video settings changes. */
class StudioOutputsTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private static DestinationStatus destination(Studio studio, String id) {
    return studio.status().destinations().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anUntrustedCertificateIsReportedWithItsFingerprintAndPinningItGoesLive() throws Exception {
    try (var nginx = NginxRtmp.startWithRtmps(); var fx = new StudioFixture()) {
      var rtmps = new Destination("tls", "RTMPS", "rtmps://127.0.0.1:" + nginx.rtmpsPort() + "/live", "pinned", true, null, false);
      try (var studio = Studio.open(fx.settings(dir.resolve("rec")).withDestination(rtmps), null, fx.eventThread)) {
        studio.startStreaming().join();
        await().atMost(LONG).until(() -> destination(studio, "tls").state() == DestinationStatus.State.FAILED);
        String reason = destination(studio, "tls").reason();
        assertThat(reason).startsWith("certificate not trusted (SHA-256 ");
        String shown = reason.substring(reason.indexOf("SHA-256 ") + 8, reason.indexOf(')')).replace(":", "").toLowerCase();
        assertThat(shown).isEqualTo(nginx.certificate().sha256Fingerprint());

        studio.putDestination(rtmps.withTls(nginx.certificate().sha256Fingerprint(), false)).join();
        await().atMost(LONG).until(() -> destination(studio, "tls").state() == DestinationStatus.State.LIVE);
        assertThat(Ffprobe.bundled().probe(nginx.rtmpUrl("pinned")).video()).isPresent();
        assertThat(destination(studio, Destination.LOCAL_ID).state()).isEqualTo(DestinationStatus.State.LIVE);
      }
    }
  }

  @Test
  void anEncoderThatFailsFallsBackAndSaysSo() throws Exception {
    EncoderChoice broken = Studio.encoders().stream().filter(e -> !e.usable()).findFirst()
        .orElseThrow(() -> new AssertionError("every H.264 encoder works on this machine: nothing to fall back from"));
    assertThat(broken.reason()).isNotBlank();
    try (var fx = new StudioFixture()) {
      StudioSettings s = fx.settings(dir.resolve("rec"));
      s = s.withVideo(new VideoSettings(426, 240, 25, 600, broken.name(), 1));
      try (var studio = Studio.open(s, null, fx.eventThread)) {
        studio.addListener(fx.events::add);
        studio.startStreaming().join();
        StudioStatus st = studio.status();
        assertThat(st.encoder()).isNotEqualTo(broken.name());
        assertThat(st.encoderFallback()).startsWith("encoder " + broken.name() + " failed: ").endsWith("using " + st.encoder());
        await().atMost(LONG).until(() -> fx.notices().contains(st.encoderFallback()));
        await().atMost(LONG).until(() -> destination(studio, Destination.LOCAL_ID).state() == DestinationStatus.State.LIVE);
      }
    }
  }

  @Test
  void recordsMkvAndAppliesNewVideoSettingsWhenIdle() throws Exception {
    try (var fx = new StudioFixture()) {
      StudioSettings s = fx.settings(dir.resolve("rec")).withRecording(new RecordingSettings(dir.resolve("mkv").toString(), "mkv"));
      try (var studio = Studio.open(s, null, fx.eventThread)) {
        studio.addListener(fx.events::add);
        studio.startRecording().join();
        await().atMost(LONG).until(() -> studio.status().recordingMillis() > 2000);
        // while encoding, a new size waits for the encode to stop
        studio.applySettings(studio.settings().withVideo(new VideoSettings(320, 180, 25, 500, "auto", 1))).join();
        await().atMost(LONG).until(() -> fx.notices().stream().anyMatch(n -> n.contains("new video settings apply")));
        Path file = studio.status().recordingStatus().file();
        studio.stopRecording().join();
        assertThat(file.toString()).endsWith(".mkv");
        var probe = Ffprobe.bundled().probe(file.toString());
        assertThat(probe.format().formatName()).contains("matroska");
        assertThat(probe.video()).hasValueSatisfying(v -> assertThat(v.width()).isEqualTo(426));

        AtomicReference<String> size = new AtomicReference<>();
        studio.setPreview((w, h, px, t) -> size.set(w + "x" + h), 64, 36);
        await().atMost(LONG).until(() -> size.get() != null);
        studio.startRecording().join();
        await().atMost(LONG).until(() -> studio.status().recordingMillis() > 1500);
        Path second = studio.status().recordingStatus().file();
        studio.stopRecording().join();
        assertThat(second).isNotEqualTo(file);
        assertThat(Ffprobe.bundled().probe(second.toString()).video()).hasValueSatisfying(v -> {
          assertThat(v.width()).isEqualTo(320);
          assertThat(v.height()).isEqualTo(180);
        });
      }
    }
  }
}
