package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.testing.XvfbDisplay;

/** First-run scene from this machine's devices, scene edits, meters and preview. */
class StudioSceneTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private static SourceStatus source(Studio studio, String id) {
    return studio.status().sources().stream().filter(s -> s.source().id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void firstRunWithNothingToCaptureIsTestPatternAndTone() {
    StudioSettings s = FirstRun.settings(List.of());
    assertThat(s.scene()).extracting(SceneSource::kind).containsExactly(SceneSource.Kind.TEST_PATTERN, SceneSource.Kind.TONE);
    assertThat(s.scene().get(1).muted()).isFalse();
    assertThat(s.destinations()).singleElement().satisfies(d -> {
      assertThat(d.name()).isEqualTo("Local server");
      assertThat(d.serverUrl() + "/" + d.streamKey()).isEqualTo("rtmp://127.0.0.1:1935/live/studio");
    });
    assertThat(s.server().enabled()).isTrue();
    assertThat(s.server().listen()).containsExactly("127.0.0.1:1935", "127.0.0.1:8080");
  }

  @Test
  void firstRunOnThisMachineFollowsWhatOpens() {
    // one listing for both sides: X servers of other programs on this machine come and go
    List<AvailableDevice> devices = Studio.devices();
    List<SceneSource.Kind> kinds = FirstRun.settings(devices).scene().stream().map(SceneSource::kind).toList();
    boolean screen = devices.stream().anyMatch(d -> d.kind() == SceneSource.Kind.SCREEN && d.openable());
    boolean camera = devices.stream().anyMatch(d -> d.kind() == SceneSource.Kind.CAMERA && d.openable());
    boolean mic = devices.stream().anyMatch(d -> d.kind() == SceneSource.Kind.MIC && d.openable());
    assertThat(kinds.contains(SceneSource.Kind.SCREEN)).isEqualTo(screen);
    assertThat(kinds.contains(SceneSource.Kind.CAMERA)).isEqualTo(camera);
    assertThat(kinds.contains(SceneSource.Kind.TEST_PATTERN)).isEqualTo(!screen && !camera);
    assertThat(kinds.contains(SceneSource.Kind.MIC)).isEqualTo(mic);
    assertThat(kinds.contains(SceneSource.Kind.TONE)).isEqualTo(!mic);
    devices.stream().filter(d -> !d.openable()).forEach(d -> assertThat(d.reason()).isNotBlank());
  }

  @Test
  void firstRunUnderXvfbHoldsTheScreenAndPreviewsIt() throws Exception {
    try (var x = XvfbDisplay.start(640, 360); var fx = new StudioFixture()) {
      StudioSettings first = Studio.firstRunSettings();
      assertThat(first.scene()).anySatisfy(s -> {
        assertThat(s.kind()).isEqualTo(SceneSource.Kind.SCREEN);
        assertThat(s.placement()).isEqualTo(Placement.FULL);
      });
      if (first.scene().stream().noneMatch(s -> s.kind() == SceneSource.Kind.MIC)) {
        // a picture exists, so the stand-in tone is there but silent
        assertThat(first.scene()).anySatisfy(s -> assertThat(s.kind() == SceneSource.Kind.TONE && s.muted()).isTrue());
      }
      // our display, explicitly: another X server on this machine may come and go
      var screen = new SceneSource("screen", SceneSource.Kind.SCREEN, x.deviceId(), null, Placement.FULL, 0, false);
      StudioSettings s = fx.settings(dir.resolve("rec")).withScene(List.of(screen));
      try (var studio = Studio.open(s, dir.resolve("profile"), fx.eventThread)) {
        assertThat(source(studio, "screen").problem()).isNull();
        AtomicInteger frames = new AtomicInteger();
        AtomicReference<String> size = new AtomicReference<>();
        studio.setPreview((w, h, px, t) -> {
          size.set(w + "x" + h + ":" + px.remaining());
          frames.incrementAndGet();
        }, 320, 180);
        await().atMost(LONG).until(() -> frames.get() >= 5);
        assertThat(size.get()).isEqualTo("320x180:" + 320 * 180);
        studio.setPreview(null, 0, 0);
      }
    }
  }

  @Test
  void aScreenThatDiesWhileRunningIsReportedInPlaceAndTheStreamGoesOn() throws Exception {
    try (var fx = new StudioFixture()) {
      var x = XvfbDisplay.start(320, 240);
      var screen = new SceneSource("screen", SceneSource.Kind.SCREEN, x.deviceId(), null, Placement.FULL, 0, false);
      StudioSettings s = fx.settings(dir.resolve("rec")).withScene(List.of(screen));
      try (var studio = Studio.open(s, null, fx.eventThread)) {
        studio.addListener(fx.events::add);
        studio.startRecording().join();
        await().atMost(LONG).until(() -> studio.status().recordingStatus().sizeBytes() > 0);
        x.close(); // the X server goes away under x11grab
        await().atMost(LONG).until(() -> source(studio, "screen").problem() != null);
        assertThat(source(studio, "screen").problem()).startsWith("disconnected").contains("x11grab");
        // black in its place while it is reopened every second (it comes back by itself: StudioScreenStallTest)
        await().atMost(LONG).until(() -> fx.notices().stream()
            .anyMatch(n -> n.contains("disconnected") && n.endsWith("black meanwhile")));
        long before = studio.status().recordingMillis();
        await().atMost(LONG).until(() -> studio.status().recordingMillis() > before + 1000 && studio.status().fps() > 0);
        studio.stopRecording().join();
      } finally {
        x.close();
      }
    }
  }

  @Test
  void sceneEditsReachTheSessionAndAreSaved() throws Exception {
    Path profile = dir.resolve("profile");
    try (var fx = new StudioFixture(); var studio = Studio.open(fx.settings(dir.resolve("rec")), profile, fx.eventThread)) {
      studio.addListener(fx.events::add);
      String tone = studio.settings().scene().get(1).id();
      await().atMost(LONG).until(() -> source(studio, tone).peakDb() > -30);

      studio.setMuted(tone, true).join();
      await().atMost(LONG).until(() -> source(studio, tone).peakDb() == SourceStatus.FLOOR_DB);
      studio.setMuted(tone, false).join();
      studio.setGain(tone, -20).join();
      await().atMost(LONG).until(() -> source(studio, tone).peakDb() > -60 && source(studio, tone).peakDb() < -15);

      var pip = SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.PIP);
      studio.addSource(pip).join();
      studio.setPlacement(pip.id(), new Placement(0.05, 0.05, 0.3, 0.3)).join();
      assertThat(source(studio, pip.id()).problem()).isNull();

      var missing = SceneSource.video(SceneSource.Kind.CAMERA, "v4l2:/dev/video-none", Placement.PIP);
      studio.addSource(missing).join(); // a source that cannot open is kept with its reason, not thrown
      assertThat(source(studio, missing.id()).problem()).contains("/dev/video-none");

      // the saved file holds exactly what the studio holds
      var saved = SettingsStore.at(profile).load(() -> { throw new AssertionError("saved settings expected"); });
      assertThat(saved.settings()).isEqualTo(studio.settings());
      assertThat(saved.settings().source(pip.id()).placement()).isEqualTo(new Placement(0.05, 0.05, 0.3, 0.3));
      assertThat(saved.settings().source(tone).gainDb()).isEqualTo(-20);

      // removing every picture leaves the stand-in test pattern: preview keeps running
      String pattern = studio.settings().scene().get(0).id();
      studio.removeSource(pattern).join();
      studio.removeSource(pip.id()).join();
      studio.removeSource(missing.id()).join();
      assertThat(studio.settings().scene()).extracting(SceneSource::kind).containsExactly(SceneSource.Kind.TONE);
      AtomicInteger frames = new AtomicInteger();
      studio.setPreview((w, h, px, t) -> frames.incrementAndGet(), 64, 36);
      await().atMost(LONG).until(() -> frames.get() >= 3);

      await().atMost(LONG).until(() -> fx.events.stream().anyMatch(e -> e instanceof StudioEvent.SettingsChanged c
          && c.settings().scene().size() == 1));
      assertThat(fx.notices()).anyMatch(n -> n.contains("camera source cannot open"));
    }
  }
}
