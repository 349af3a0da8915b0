package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.ui.StudioWindowFixture.fx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.matcher.control.LabeledMatchers;
import org.testfx.util.WaitForAsyncUtils;
import studio.tally.config.Destination;
import studio.tally.config.ServerSettings;
import studio.tally.config.SettingsStore;
import studio.tally.live.ServerSnapshot;
import studio.tally.live.ServerStatus;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerReaper;

/**
 * WHIP destinations and the Server panel, driven through the studio window on headless Monocle
 * against real peers: the embedded server (its WHIP endpoint, its SRS API, its WHIP -> FLV bridge),
 * FFmpeg 8.1 publishing RTMP, ffprobe 8.1 and the studio's own Player window as players.
 */
@ExtendWith(PeerReaper.class)
@ExtendWith(FxThemed.class)
class ServerPanelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FxRobot robot = new FxRobot();
  private final HttpClient http = HttpClient.newHttpClient();
  private StudioWindowFixture studio;

  @AfterEach
  void closeWindow() throws Exception {
    for (Stage s : fx(() -> javafx.stage.Window.getWindows().stream().filter(w -> w instanceof Stage).map(w -> (Stage) w)
        .filter(st -> st.getTitle() != null && (st.getTitle().equals(ServerPanel.TITLE) || st.getTitle().contains("Player")))
        .toList())) {
      WaitForAsyncUtils.asyncFx(s::hide).get();
    }
    if (studio != null) studio.close();
    http.close();
  }

  private void clickButton(String text) {
    Node ok = robot.lookup(".button").match(LabeledMatchers.hasText(text)).query();
    robot.clickOn(ok);
  }

  private String text(String id) throws Exception {
    return fx(() -> robot.lookup(id).tryQueryAs(Label.class).map(Label::getText).orElse(""));
  }

  private JsonNode api(String resource) throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + studio.httpPort + "/api/v1/" + resource)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<JsonNode> list(JsonNode root, String key) {
    return StreamSupport.stream(root.path(key).spliterator(), false).toList();
  }

  /** Presses a button by id, in whichever window it is. */
  private void fire(String id) {
    robot.interact(() -> robot.lookup(id).queryButton().fire());
  }

  /** Types into the destination dialog's fields (the dialog is open). */
  private void fill(String name, String url, String key) {
    robot.interact(() -> {
      robot.lookup("#destination-name").queryAs(TextField.class).setText(name);
      robot.lookup("#destination-url").queryAs(TextField.class).setText(url);
      robot.lookup("#destination-key").queryAs(TextField.class).setText(key);
    });
  }

  @Test
  void theDialogSaysWhatIsWrongWithAWhipUrlAndKeepsAGoodOneAsWhip(@TempDir Path profile, @TempDir Path recordings)
      throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    robot.clickOn("#add-destination");
    String[][] bad = {
        {"ftp://whip.example/live", "must start with rtmp:// or rtmps:// (RTMP), or http://, https:// or webrtc:// (WHIP)"},
        {"https://", "names no host"},
        {"webrtc:///live/s", "names no host"},
        {"webrtc://127.0.0.1:1985/live", "needs an app and a stream"},
    };
    for (String[] b : bad) {
      fill("W", b[0], "tok");
      clickButton("OK");
      assertThat(text("#destination-problem")).as(b[0]).contains(b[1]);
      assertThat(studio.settings().destinations()).as("nothing saved for " + b[0]).hasSize(1);
    }
    // the field's label follows the protocol the URL names
    assertThat(fx(() -> robot.lookup("#destination-bearer-prefix").queryAs(CheckBox.class).isDisabled())).isFalse();
    fill("W", "rtmp://127.0.0.1:1/live", "k");
    assertThat(fx(() -> robot.lookup("#destination-bearer-prefix").queryAs(CheckBox.class).isDisabled())).isTrue();
    assertThat(fx(() -> robot.lookup(".label").match(LabeledMatchers.hasText("Stream key")).tryQuery().isPresent())).isTrue();

    fill("Edge", "https://edge.example/whip/live/s", "Bearer  s3cret-token");
    robot.interact(() -> robot.lookup("#destination-bearer-prefix").queryAs(CheckBox.class).setSelected(false));
    // a TURN relay as our TURN client takes it: credentials required
    robot.interact(() -> robot.lookup("#destination-ice-servers").queryAs(TextField.class).setText("turn:198.18.0.1:3478"));
    clickButton("OK");
    assertThat(text("#destination-problem")).startsWith("ICE servers: ").contains("no credentials");
    assertThat(fx(() -> robot.lookup("#destination-fingerprint").queryAs(TextField.class).isDisabled()))
        .as("no TLS peer to pin: https:// uses the system's trust, the relay is plain TURN").isTrue();
    // a turns: relay: its certificate can be pinned like an RTMPS server's
    String turns = "turns:relay:relay_pass@198.18.0.1:5349";
    robot.interact(() -> robot.lookup("#destination-ice-servers").queryAs(TextField.class)
        .setText("stun:198.18.0.1:3478 turn:relay:relay_pass@198.18.0.1:3478?transport=tcp " + turns));
    assertThat(fx(() -> robot.lookup("#destination-fingerprint").queryAs(TextField.class).isDisabled())).isFalse();
    robot.interact(() -> robot.lookup("#destination-fingerprint").queryAs(TextField.class).setText("AB:CD"));
    clickButton("OK");
    assertThat(text("#destination-problem")).contains("64 hex");
    String pin = "AB:".repeat(31) + "CD";
    robot.interact(() -> robot.lookup("#destination-fingerprint").queryAs(TextField.class).setText(pin));
    clickButton("OK");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().destinations().size() == 2);
    Destination d = studio.settings().destinations().stream().filter(x -> x.name().equals("Edge")).findFirst().orElseThrow();
    assertThat(d.protocol()).isEqualTo(Destination.Protocol.WHIP);
    assertThat(d.streamKey()).as("the pasted 'Bearer ' prefix is not part of the token").isEqualTo("s3cret-token");
    assertThat(d.rawToken()).isTrue();
    assertThat(d.iceServers()).containsExactly("stun:198.18.0.1:3478", "turn:relay:relay_pass@198.18.0.1:3478?transport=tcp",
        turns);
    assertThat(d.tlsFingerprint()).isEqualTo(pin);
    assertThat(SettingsStore.at(profile).load(() -> null).settings().destination(d.id())).isEqualTo(d);
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#url-" + d.id()).startsWith("WHIP https://edge.example"));
    assertThat(text("#url-" + d.id())).contains("token s3c…").doesNotContain("s3cret-token");
  }

  @Test
  void aWhipDestinationGoesLiveFromTheSameEncodeAndPlaysThroughTheServer(@TempDir Path profile, @TempDir Path recordings)
      throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    String whip = "http://127.0.0.1:" + studio.httpPort + "/rtc/v1/whip/?app=live&stream=whipped";
    robot.clickOn("#add-destination");
    fill("WHIP here", whip, "Bearer any-token");
    clickButton("OK");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().destinations().size() == 2);
    String id = studio.settings().destinations().stream().filter(Destination::webRtc).findFirst().orElseThrow().id();
    // and one nobody answers: its row must say why, while the others stay live
    int closedPort = FreePort.tcp();
    robot.clickOn("#add-destination");
    fill("WHIP nowhere", "http://127.0.0.1:" + closedPort + "/whip/live/none", "");
    clickButton("OK");
    await().atMost(Duration.ofSeconds(20)).until(() -> studio.settings().destinations().size() == 3);
    String deadId = studio.settings().destinations().stream().filter(x -> x.name().equals("WHIP nowhere")).findFirst()
        .orElseThrow().id();

    robot.clickOn("#stream-button");
    // the row says live with bitrate and the round trip the server's receiver reports give
    await().atMost(Duration.ofSeconds(60)).until(() -> text("#state-" + id).matches("live · [1-9]\\d* kbps · rtt \\d+ ms"));
    await().atMost(Duration.ofSeconds(30)).until(() -> text("#state-" + Destination.LOCAL_ID).startsWith("live ·"));
    await().atMost(Duration.ofSeconds(30)).until(() -> text("#state-" + deadId).matches("(reconnecting in \\d+ s|failed:) .+"));
    System.out.println("unreachable WHIP destination: " + text("#state-" + deadId));
    assertThat(text("#state-" + deadId)).contains(Integer.toString(closedPort));

    // the server's API shows the WebRTC publisher and its stream, H.264 at the studio's size
    JsonNode clients = api("clients");
    assertThat(list(clients, "clients")).anySatisfy(c -> {
      assertThat(c.path("type").asText()).isEqualTo("rtc-publish");
      assertThat(c.path("url").asText()).isEqualTo("/live/whipped");
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> list(api("streams"), "streams").stream()
        .anyMatch(s -> s.path("name").asText().equals("whipped") && s.path("video").path("width").asInt() == 426));
    // a real player: ffprobe reads the FLV the server's WHIP -> FLV bridge makes of it
    Ffprobe.Probe probe = Ffprobe.bundled().probe("http://127.0.0.1:" + studio.httpPort + "/live/whipped.flv", Duration.ofSeconds(30));
    assertThat(probe.video()).hasValueSatisfying(v -> {
      assertThat(v.codecName()).isEqualTo("h264");
      assertThat(v.width()).isEqualTo(426);
      assertThat(v.height()).isEqualTo(240);
    });
    // and the studio's own player decodes it, frame after frame
    PlayerWindow player = WaitForAsyncUtils.asyncFx(() -> {
      PlayerWindow pw = new PlayerWindow(new Stage(), javafx.application.Platform::runLater, recordings, () -> { });
      pw.show();
      pw.open("http://127.0.0.1:" + studio.httpPort + "/live/whipped.flv");
      return pw;
    }).get(30, java.util.concurrent.TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> player.players().getFirst().framesShown()) >= 25);
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> player.players().getFirst().statsText()).contains("width  426"));
    System.out.println("player of live/whipped.flv: " + fx(() -> player.players().getFirst().figures().get("fps")) + " fps");
    WaitForAsyncUtils.asyncFx(player::close).get();
    // and the publisher keeps the encoder's pace (25 fps) into the server: its frame count grows
    long before = whippedFrames();
    Thread.sleep(2000);
    long grown = whippedFrames() - before;
    System.out.println("WHIP publisher: " + grown + " frames into the server in 2 s");
    assertThat(grown).as("frames in 2 s at 25 fps").isGreaterThan(30);

    robot.clickOn("#stream-button");
    await().atMost(Duration.ofSeconds(30)).until(() -> !studio.status().streaming());
    // stopping DELETEs the WHIP session: the publisher leaves the API
    await().atMost(Duration.ofSeconds(20)).until(() -> list(api("clients"), "clients").stream()
        .noneMatch(c -> c.path("type").asText().equals("rtc-publish")));
  }

  private long whippedFrames() throws Exception {
    return list(api("streams"), "streams").stream().filter(x -> x.path("name").asText().equals("whipped"))
        .findFirst().orElseThrow().path("frames").asLong();
  }

  @Test
  void theServerPanelListsStreamsPlaysOneAndKicksAClient(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    robot.clickOn("#server-button");
    ServerPanel panel = await().atMost(Duration.ofSeconds(10)).until(() -> fx(this::openPanel), p -> p != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> panel.snapshot() != null
        && panel.snapshot().state() == ServerStatus.State.RUNNING));
    ServerSnapshot first = fx(panel::snapshot);
    assertThat(first.listeners()).containsExactly("127.0.0.1:" + studio.rtmpPort, "127.0.0.1:" + studio.httpPort);
    assertThat(fx(() -> robot.lookup("#server-fingerprint").queryAs(TextField.class).getText())).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(fx(() -> robot.lookup("#url-rtmp").queryAs(TextField.class).getText()))
        .isEqualTo("rtmp://127.0.0.1:" + studio.rtmpPort + "/live/studio");
    assertThat(fx(() -> robot.lookup("#url-whep").queryAs(TextField.class).getText()))
        .isEqualTo("http://127.0.0.1:" + studio.httpPort + "/rtc/v1/whep/?app=live&stream=studio");
    assertThat(fx(() -> robot.lookup("#url-webrtc-srs").queryAs(TextField.class).getText()))
        .isEqualTo("webrtc://127.0.0.1:" + studio.httpPort + "/live/studio");

    // the studio's own stream and an FFmpeg 8.1 RTMP publisher show up within a few refreshes
    fire("#stream-button"); // the panel may cover the studio window: press its buttons, not the screen
    try (FfmpegProcess ffmpeg = Ffmpeg.bundled().publishTestSource("rtmp://127.0.0.1:" + studio.rtmpPort + "/live/ff",
        Duration.ofSeconds(120), 320, 240, 25, 25)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> {
        ServerSnapshot s = panel.snapshot();
        return s.streams().stream().anyMatch(x -> x.path().equals("live/ff") && x.video().equals("H264 320x240"))
            && s.streams().stream().anyMatch(x -> x.path().equals("live/studio") && x.video().equals("H264 426x240"));
      }));
      ServerSnapshot.Stream ff = fx(() -> panel.snapshot().streams().stream().filter(x -> x.name().equals("ff")).findFirst().orElseThrow());
      assertThat(ff.publisher()).isEqualTo("fmle-publish");

      // Play opens the Player window on it and pictures arrive
      fire("#play-live-ff");
      PlayerWindow player = await().atMost(Duration.ofSeconds(10)).until(() -> fx(panel::player), p -> p != null);
      await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> player.players().size() == 1
          && player.players().getFirst().framesShown() >= 10));
      // the overlay refreshes twice a second
      await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> player.players().getFirst().statsText())
          .contains("width  320"));
      assertThat(fx(() -> player.players().getFirst().statsText())).contains("height  240");
      // the player is now a client of the server, listed as FLV
      await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> panel.snapshot().clients().stream()
          .anyMatch(c -> c.type().equals("flv-play") && c.stream().equals("live/ff"))));

      // Kick the FFmpeg publisher: it leaves the server, its stream with it
      String ffPublisher = fx(() -> panel.snapshot().clients().stream()
          .filter(c -> c.publish() && c.stream().equals("live/ff")).findFirst().orElseThrow().id());
      fire("#kick-" + ffPublisher); // the Player window may cover the panel
      await().atMost(Duration.ofSeconds(15)).until(() -> fx(() -> panel.snapshot().clients().stream()
          .noneMatch(c -> c.id().equals(ffPublisher))));
      assertThat(list(api("clients"), "clients")).noneMatch(c -> c.path("id").asText().equals(ffPublisher));
      await().atMost(Duration.ofSeconds(15)).until(() -> !ffmpeg.isAlive());
      // the studio's own stream is untouched
      assertThat(fx(() -> panel.snapshot().streams())).anyMatch(x -> x.path().equals("live/studio"));
    }
    fire("#stream-button");
    await().atMost(Duration.ofSeconds(30)).until(() -> !studio.status().streaming());
  }

  @Test
  void theServerPanelSaysWhenTheEmbeddedServerIsOff(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    var s = SettingsStore.at(profile).load(() -> null).settings();
    SettingsStore.at(profile).save(s.withServer(new ServerSettings(false, s.server().listen(), s.server().rtcUdp())));
    studio.open();
    robot.clickOn("#server-button");
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#server-state").startsWith("The embedded server is off"));
    ServerPanel panel = fx(this::openPanel);
    assertThat(fx(() -> panel.snapshot().streams())).isEmpty();
    assertThat(fx(() -> robot.lookup("#server-urls").queryAs(javafx.scene.layout.GridPane.class).getChildren())).isEmpty();
  }

  /** The panel the Server… button opened, found through its window. */
  private ServerPanel openPanel() {
    return javafx.stage.Window.getWindows().stream()
        .filter(w -> w instanceof Stage st && ServerPanel.TITLE.equals(st.getTitle()))
        .map(w -> (ServerPanel) w.getProperties().get(ServerPanel.class))
        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
  }
}
