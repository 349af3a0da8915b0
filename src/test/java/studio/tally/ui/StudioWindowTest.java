package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.ui.StudioWindowFixture.fx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseButton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.matcher.control.LabeledMatchers;
import studio.tally.config.Destination;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.SettingsStore;
import studio.tally.live.DestinationStatus;
import studio.tally.live.Studio;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.FreePort;

/**
 * The studio window's flows, driven through its controls on headless Monocle against
 * the real engine: embedded server on free ports, FFmpeg encode, ffprobe 8.1 as the player.
 */
@ExtendWith(FxThemed.class)
class StudioWindowTest {
  private final FxRobot robot = new FxRobot();
  private StudioWindowFixture studio;

  @AfterEach
  void closeWindow() throws Exception {
    if (studio != null) studio.close();
  }

  private void clickButton(String text) {
    Node ok = robot.lookup(".button").match(LabeledMatchers.hasText(text)).query();
    robot.clickOn(ok);
  }

  private String stateLine(String destinationId) {
    return robot.lookup("#state-" + destinationId).queryAs(Label.class).getText();
  }

  @Test
  void firstRunOpensWithAWorkingSceneAndTheLocalServer(@TempDir Path profile) throws Exception {
    studio = new StudioWindowFixture(profile); // no settings.json: first run
    StudioWindow w = studio.open();
    assertThat(fx(() -> w.stage().getTitle())).contains("Tally");
    assertThat(fx(() -> w.model().phaseProperty().get())).isEqualTo(StudioModel.Phase.READY);
    List<SceneSource> scene = studio.settings().scene();
    assertThat(scene).as("never an empty stream").anyMatch(s -> s.kind().isVideo());
    assertThat(scene).anyMatch(s -> !s.kind().isVideo());
    // the window took the first-run path: the scene is what this machine can capture (screen, camera,
    // mic where they open; here usually nothing, so the test pattern and the tone)
    assertThat(scene).extracting(SceneSource::kind)
        .containsExactlyInAnyOrderElementsOf(Studio.firstRunSettings().scene().stream().map(SceneSource::kind).toList());
    ListView<?> sources = robot.lookup("#sources").queryListView();
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> sources.getItems().size()) == scene.size());
    assertThat(studio.settings().destinations()).extracting(Destination::name).containsExactly("Local server");
    assertThat(robot.lookup("#destinations").queryListView().getItems()).hasSize(1);
    // the preview shows the composed scene
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> w.surface().framesShownProperty().get()) > 3);
    assertThat(profile.resolve(SettingsStore.FILE)).exists();
  }

  @Test
  void addATestSourceFromTheMenu(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    int before = studio.settings().scene().size();
    robot.clickOn("#add-source");
    // the menu lists this machine's devices once they are probed
    await().atMost(Duration.ofSeconds(60)).until(() -> robot.lookup("#add-test-pattern").tryQuery().isPresent());
    robot.clickOn("#add-test-pattern");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().scene().size() == before + 1);
    ListView<?> sources = robot.lookup("#sources").queryListView();
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> sources.getItems().size()) == before + 1);
    assertThat(studio.settings().scene().stream().filter(s -> s.kind() == SceneSource.Kind.TEST_PATTERN)).hasSize(2);
    // and it is saved in the profile
    assertThat(SettingsStore.at(profile).load(() -> null).settings().scene()).hasSize(before + 1);
  }

  @Test
  void goLiveToTheEmbeddedServerAndAFailingDestinationShowsWhyWhileTheLocalOneStaysLive(
      @TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    robot.clickOn("#stream-button");
    await().atMost(Duration.ofSeconds(60)).until(() -> localState() == DestinationStatus.State.LIVE);
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> stateLine(Destination.LOCAL_ID)).startsWith("live"));
    assertThat(fx(() -> robot.lookup("#stream-button").queryButton().getText())).isEqualTo("Stop Streaming");

    Ffprobe.Probe probe = Ffprobe.bundled().probe(studio.flvUrl(), Duration.ofSeconds(30));
    assertThat(probe.video()).hasValueSatisfying(v -> {
      assertThat(v.codecName()).isEqualTo("h264");
      assertThat(v.width()).isEqualTo(426);
    });
    assertThat(probe.audio()).hasValueSatisfying(a -> assertThat(a.codecName()).isEqualTo("aac"));

    // a destination nobody listens on, added through the dialog while live
    int closedPort = FreePort.tcp();
    robot.clickOn("#add-destination");
    robot.interact(() -> {
      robot.lookup("#destination-name").queryAs(TextField.class).setText("Broken");
      robot.lookup("#destination-url").queryAs(TextField.class).setText("rtmp://127.0.0.1:" + closedPort + "/live");
      robot.lookup("#destination-key").queryAs(TextField.class).setText("secret-key");
    });
    clickButton("OK");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().destinations().size() == 2);
    String brokenId = studio.settings().destinations().stream().filter(d -> d.name().equals("Broken")).findFirst().orElseThrow().id();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      String line = fx(() -> robot.lookup("#state-" + brokenId).tryQueryAs(Label.class).map(Label::getText).orElse(""));
      return line.startsWith("reconnecting") || line.startsWith("failed");
    });
    String line = fx(() -> stateLine(brokenId));
    assertThat(line).contains("127.0.0.1:" + closedPort).doesNotContain("secret-key");
    assertThat(localState()).isEqualTo(DestinationStatus.State.LIVE);
    assertThat(Ffprobe.bundled().probe(studio.flvUrl(), Duration.ofSeconds(30)).video()).isPresent();

    robot.clickOn("#stream-button");
    await().atMost(Duration.ofSeconds(30)).until(() -> !studio.status().streaming());
  }

  @Test
  void recordAndFindAPlayableFile(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    robot.clickOn("#record-button");
    await().atMost(Duration.ofSeconds(60)).until(() -> studio.status().recording() && studio.status().recordingMillis() > 2500);
    assertThat(fx(() -> robot.lookup("#status-rec").queryAs(Label.class).isVisible())).isTrue();
    robot.clickOn("#record-button");
    await().atMost(Duration.ofSeconds(30)).until(() -> !studio.status().recording());
    Path file = studio.status().recordingStatus().file();
    assertThat(file).isNotNull().startsWith(recordings);
    assertThat(Files.size(file)).isPositive();
    Ffprobe.Probe probe = Ffprobe.bundled().probe(file.toString());
    assertThat(probe.video()).hasValueSatisfying(v -> assertThat(v.codecName()).isEqualTo("h264"));
    assertThat(probe.format().duration()).isGreaterThan(1.0);
  }

  @Test
  void settingsSurviveARestartWithTheSameProfile(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    robot.clickOn("#settings-button");
    robot.interact(() -> {
      @SuppressWarnings("unchecked")
      ComboBox<Double> fps = robot.lookup("#settings-fps").queryAs(ComboBox.class);
      fps.setValue(30.0);
      @SuppressWarnings("unchecked")
      Spinner<Integer> bitrate = robot.lookup("#settings-bitrate").queryAs(Spinner.class);
      bitrate.getValueFactory().setValue(900);
    });
    clickButton("OK");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().video().bitrateKbps() == 900);

    robot.clickOn("#add-destination");
    robot.interact(() -> {
      robot.lookup("#destination-name").queryAs(TextField.class).setText("Backup");
      // paste-friendly: the whole URL with the key at its end splits into server + key
      robot.lookup("#destination-url").queryAs(TextField.class).setText("rtmp://127.0.0.1:1/live/backup-key");
    });
    assertThat(fx(() -> robot.lookup("#destination-url").queryAs(TextField.class).getText())).isEqualTo("rtmp://127.0.0.1:1/live");
    clickButton("OK");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().destinations().size() == 2);

    studio.close();
    studio.open();
    assertThat(studio.settings().video().fps()).isEqualTo(30.0);
    assertThat(studio.settings().video().bitrateKbps()).isEqualTo(900);
    assertThat(studio.settings().destinations()).anySatisfy(d -> {
      assertThat(d.name()).isEqualTo("Backup");
      assertThat(d.serverUrl()).isEqualTo("rtmp://127.0.0.1:1/live");
      assertThat(d.streamKey()).isEqualTo("backup-key");
    });
    ListView<?> destinations = robot.lookup("#destinations").queryListView();
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> destinations.getItems().size()) == 2);
  }

  @Test
  void dragThePictureInPictureAndMuteFromTheMixer(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    fx(() -> {
      studio.model().addSource(new SceneSource(null, SceneSource.Kind.TEST_PATTERN, null, null, Placement.PIP, 0, false));
      return null;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().scene().size() == 3);
    String pipId = studio.settings().scene().stream().filter(s -> Placement.PIP.equals(s.placement())).findFirst().orElseThrow().id();
    Node frame = robot.lookup(".pip-frame").query();
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(frame::isVisible));
    // move it up and left by dragging its frame
    robot.drag(frame, MouseButton.PRIMARY).moveBy(-120, -60).release(MouseButton.PRIMARY);
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().source(pipId).placement().x() < Placement.PIP.x() - 0.05);
    Placement moved = studio.settings().source(pipId).placement();
    assertThat(moved.y()).isLessThan(Placement.PIP.y());
    assertThat(moved.width()).isEqualTo(Placement.PIP.width());
    // and make it bigger from its corner
    Node handle = robot.lookup(".pip-handle").query();
    robot.drag(handle, MouseButton.PRIMARY).moveBy(80, 45).release(MouseButton.PRIMARY);
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().source(pipId).placement().width() > moved.width() + 0.05);

    String toneId = studio.settings().scene().stream().filter(s -> s.kind() == SceneSource.Kind.TONE).findFirst().orElseThrow().id();
    robot.clickOn("#mute-" + toneId);
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().source(toneId).muted());
    // a muted source reads silence on its meter
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.status().sources().stream()
        .filter(x -> x.source().id().equals(toneId)).allMatch(x -> x.peakDb() <= -90));
  }

  @Test
  void aSourceThatCannotCaptureSaysWhyInPlace(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    // a screen on an X display nobody runs
    fx(() -> {
      studio.model().addSource(new SceneSource(null, SceneSource.Kind.SCREEN, "x11grab::97.0", null, Placement.FULL, 0, false));
      return null;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> studio.settings().scene().size() == 3);
    String id = studio.settings().scene().stream().filter(s -> s.kind() == SceneSource.Kind.SCREEN).findFirst().orElseThrow().id();
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> robot.lookup("#source-problem-" + id).tryQueryAs(Label.class)
        .map(Label::getText).orElse("")).length() > 0);
    String why = fx(() -> robot.lookup("#source-problem-" + id).queryAs(Label.class).getText());
    assertThat(why).doesNotContain("Exception").doesNotContain("\tat ");
    // the rest of the scene keeps going
    long shown = fx(() -> studio.window.surface().framesShownProperty().get());
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> studio.window.surface().framesShownProperty().get()) > shown + 5);
  }

  @Test
  void aBusyServerPortIsExplainedAndTheSettingsOfferAFreeOne(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    try (var squatter = new java.net.ServerSocket(studio.rtmpPort, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      studio.open();
      await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> robot.lookup("#status-server").queryAs(Label.class).getText())
          .contains("in use"));
      assertThat(fx(() -> robot.lookup("#status-server").queryAs(Label.class).getText())).contains(String.valueOf(studio.rtmpPort));
      // the studio itself keeps working: preview runs
      await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> studio.window.surface().framesShownProperty().get()) > 2);
      robot.clickOn("#settings-button");
      String listen = fx(() -> robot.lookup("#settings-listen").queryAs(TextField.class).getText());
      assertThat(listen).doesNotContain("127.0.0.1:" + studio.rtmpPort + ",").isNotBlank();
      clickButton("Cancel");
    }
  }

  @Test
  void aNewOutputSizeResizesThePreview(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    StudioWindow w = studio.open();
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> w.surface().view().getImage() != null));
    assertThat(fx(() -> w.surface().view().getImage().getWidth())).isEqualTo(416.0); // 426x240 → steps of 32
    robot.clickOn("#settings-button");
    robot.interact(() -> robot.lookup("#settings-size").queryAs(ComboBox.class).getEditor().setText("640x360"));
    clickButton("OK");
    await().atMost(Duration.ofSeconds(30)).until(() -> studio.settings().video().width() == 640);
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> w.surface().view().getImage().getWidth()) == 640.0);
    assertThat(fx(() -> w.surface().view().getImage().getHeight())).isEqualTo(360.0);
  }

  private DestinationStatus.State localState() throws Exception {
    var s = studio.status();
    if (s == null) return null;
    return s.destinations().stream().filter(d -> d.id().equals(Destination.LOCAL_ID)).findFirst()
        .map(DestinationStatus::state).orElse(null);
  }
}
