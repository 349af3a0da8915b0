package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.media.capture.PulseSources;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.PulseAudioServer;

/**
 * The studio with a microphone from a PulseAudio server this test starts: its meter reads the tone, a
 * device plugged in while the studio runs is listed at once, and the microphone in use that goes away
 * shows "disconnected" with its name in the source's status (and a notice), then captures again by
 * itself when it returns.
 */
@ExtendWith(PeerReaper.class)
class StudioAudioDevicesTest {

  @Test
  void aMicrophoneThatComesAndGoesIsListedReportedAndResumes() throws Exception {
    Path dir = PeerFiles.newDir("studio-audio");
    try (var pulse = PulseAudioServer.start(); var fx = new StudioFixture()) {
      System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
      try {
        var mic = pulse.startToneSource("mic", 440, 0.5);
        var scene = List.of(SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL),
            SceneSource.audio(SceneSource.Kind.MIC, "pulse:mic"));
        String micId = scene.get(1).id();
        try (var studio = Studio.open(fx.settings(dir).withScene(scene), null, fx.eventThread)) {
          studio.addListener(fx.events::add);
          await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SourceStatus s = source(studio, micId);
            assertThat(s.problem()).isNull();
            assertThat(s.rmsDb()).isCloseTo(PulseAudioServer.HALF_SCALE_SINE_RMS_DB, within(1.0));
          });

          // plugged in while the studio runs: listed (as a microphone) the next time the menu asks
          assertThat(Studio.audioDevices()).extracting(AvailableDevice::deviceId).doesNotContain("pulse:usb-headset");
          pulse.startToneSource("usb-headset", 1000, 0.25);
          await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(Studio.audioDevices())
              .filteredOn(d -> d.deviceId().equals("pulse:usb-headset")).singleElement()
              .satisfies(d -> assertThat(d.kind()).isEqualTo(SceneSource.Kind.MIC)));

          // the microphone in use goes away
          pulse.unloadModule(mic.module());
          mic.feeder().stop();
          await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(source(studio, micId).problem())
              .startsWith("disconnected").contains("pulse 'mic'"));
          await().atMost(Duration.ofSeconds(5)).until(() -> source(studio, micId).rmsDb() == SourceStatus.FLOOR_DB);
          await().atMost(Duration.ofSeconds(3)).until(() -> fx.notices().stream().anyMatch(n -> n.contains("disconnected")));

          // and comes back
          pulse.startToneSource("mic", 440, 0.5);
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            SourceStatus s = source(studio, micId);
            assertThat(s.problem()).isNull();
            assertThat(s.rmsDb()).isCloseTo(PulseAudioServer.HALF_SCALE_SINE_RMS_DB, within(1.0));
          });
          await().atMost(Duration.ofSeconds(3)).until(() -> fx.notices().stream().anyMatch(n -> n.endsWith("capturing again")));
          System.out.println("notices: " + fx.notices());
        }
      } finally {
        System.clearProperty(PulseSources.SERVER_PROPERTY);
      }
    }
  }

  private static SourceStatus source(Studio studio, String id) {
    return studio.status().sources().stream().filter(s -> s.source().id().equals(id)).findFirst().orElseThrow();
  }
}
