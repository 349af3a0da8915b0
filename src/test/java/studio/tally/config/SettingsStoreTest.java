package studio.tally.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
  @TempDir
  Path dir;

  private StudioSettings sample() {
    var cam = SceneSource.video(SceneSource.Kind.CAMERA, "v4l2:/dev/video0", new Placement(0.7, 0.7, 0.25, 0.25));
    var mic = SceneSource.audio(SceneSource.Kind.MIC, "pulse:default").withGain(-6).withMuted(true);
    var remote = new Destination(null, "Twitch", "rtmps://live.example:443/app", "live_secret_key", false,
        "AB:CD", false);
    return StudioSettings.defaults()
        .withVideo(new VideoSettings(1920, 1080, 60, 6000, "libx264", 1))
        .withRecording(new RecordingSettings(dir.resolve("rec").toString(), "mkv"))
        .withServer(ServerSettings.DEFAULT.withListen(List.of("127.0.0.1:11935", "127.0.0.1:18080"))
            .withIceServers(List.of("stun:198.18.0.1:3478", "turn:198.18.0.1:3478"), "server_turn_secret"))
        .withDestination(remote)
        .withDestination(new Destination("whip", "WHIP box", "https://whip.example/rtc/v1/whip/?app=live&stream=s",
            "Bearer whip_secret_token", true, null, false, Destination.Protocol.WHIP, true,
            List.of("turn:relay_user:relay_pass@198.18.0.1:3478?transport=tcp")))
        .withSource(cam)
        .withSource(mic);
  }

  @Test
  void firstRunUsesTheGivenDefaultsAndWritesNothing() {
    var loaded = SettingsStore.at(dir).load(StudioSettings::defaults);
    assertThat(loaded.firstRun()).isTrue();
    assertThat(loaded.problem()).isNull();
    assertThat(loaded.settings().destinations()).singleElement().satisfies(d -> {
      assertThat(d.name()).isEqualTo("Local server");
      assertThat(d.serverUrl()).isEqualTo("rtmp://127.0.0.1:1935/live");
      assertThat(d.streamKey()).isEqualTo("studio");
    });
    assertThat(loaded.settings().scene()).extracting(SceneSource::kind)
        .containsExactly(SceneSource.Kind.TEST_PATTERN, SceneSource.Kind.TONE);
    assertThat(dir.resolve("settings.json")).doesNotExist();
  }

  @Test
  void roundTripKeepsEverythingAndLeavesNoTempFile() throws Exception {
    var store = SettingsStore.at(dir.resolve("profile"));
    StudioSettings s = sample();
    store.save(s);
    store.save(s); // over an existing file
    var loaded = store.load(() -> { throw new AssertionError("not a first run"); });
    assertThat(loaded.problem()).isNull();
    assertThat(loaded.firstRun()).isFalse();
    assertThat(loaded.settings()).isEqualTo(s);
    // the local destination followed the server's RTMP port
    assertThat(loaded.settings().destination(Destination.LOCAL_ID).serverUrl()).isEqualTo("rtmp://127.0.0.1:11935/live");
    try (var files = Files.list(store.dir())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("settings.json");
    }
    assertThat(Files.readString(store.file())).contains("\"kind\" : \"camera\"", "\"format\" : \"mkv\"");
    // a WHIP destination keeps its protocol, its token without the pasted "Bearer " and the raw-token choice
    assertThat(loaded.settings().destination("whip")).satisfies(d -> {
      assertThat(d.protocol()).isEqualTo(Destination.Protocol.WHIP);
      assertThat(d.streamKey()).isEqualTo("whip_secret_token");
      assertThat(d.rawToken()).isTrue();
      assertThat(d.iceServers()).containsExactly("turn:relay_user:relay_pass@198.18.0.1:3478?transport=tcp");
    });
    assertThat(loaded.settings().server().turnSecret()).isEqualTo("server_turn_secret");
    assertThat(loaded.settings().destination(Destination.LOCAL_ID).protocol()).isEqualTo(Destination.Protocol.RTMP);
    // stream keys inside: owner only
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void streamKeysNeverShowInToString() {
    StudioSettings s = sample();
    assertThat(s.toString()).doesNotContain("live_secret_key", "studio\"", "whip_secret", "relay_pass", "server_turn_secret").contains("liv…", "whi…");
    assertThat(s.destination(Destination.LOCAL_ID).toString()).doesNotContain("streamKey=studio").contains("stu…");
  }

  @Test
  void unknownKeysAreIgnoredAndMissingOnesTakeTheirDefault() throws Exception {
    Files.writeString(dir.resolve("settings.json"), """
        {"fromTheFuture": {"x": 1},
         "video": {"bitrateKbps": 4000, "newKnob": true},
         "scene": [{"id": "s1", "kind": "test-pattern"}, {"id": "s2", "kind": "desktop-audio", "gainDb": 3}]}
        """);
    var loaded = SettingsStore.at(dir).load(StudioSettings::defaults);
    assertThat(loaded.problem()).isNull();
    StudioSettings s = loaded.settings();
    assertThat(s.video()).isEqualTo(new VideoSettings(1280, 720, 30, 4000, "auto", 2));
    assertThat(s.server()).isEqualTo(ServerSettings.DEFAULT);
    assertThat(s.destinations()).extracting(Destination::id).containsExactly(Destination.LOCAL_ID);
    assertThat(s.scene()).extracting(SceneSource::kind).containsExactly(SceneSource.Kind.TEST_PATTERN, SceneSource.Kind.DESKTOP_AUDIO);
    assertThat(s.source("s1").placement()).isEqualTo(Placement.FULL);
    assertThat(s.source("s2").gainDb()).isEqualTo(3);
  }

  @Test
  void aDestinationFromBeforeWhipLoadsAsRtmp() throws Exception {
    Files.writeString(dir.resolve("settings.json"), """
        {"destinations": [{"id": "old", "name": "Old", "serverUrl": "rtmp://h/app", "streamKey": "Bearer-like key",
          "enabled": true, "tlsFingerprint": null, "insecureTls": false}]}
        """);
    var loaded = SettingsStore.at(dir).load(StudioSettings::defaults);
    assertThat(loaded.problem()).isNull();
    assertThat(loaded.settings().destination("old")).satisfies(d -> {
      assertThat(d.protocol()).isEqualTo(Destination.Protocol.RTMP);
      assertThat(d.streamKey()).as("an RTMP key is never trimmed of a Bearer prefix").isEqualTo("Bearer-like key");
      assertThat(d.rawToken()).isFalse();
    });
  }

  @Test
  void aCorruptFileIsKeptAsBadAndDefaultsAreUsed() throws Exception {
    String broken = "{\"video\": {\"width\": 1280,\n  \"height\": }";
    Files.writeString(dir.resolve("settings.json"), broken);
    var loaded = SettingsStore.at(dir).load(StudioSettings::defaults);
    assertThat(loaded.settings()).isEqualTo(StudioSettings.defaults().withScene(loaded.settings().scene()));
    assertThat(loaded.problem()).contains("settings.json", "line 2", "settings.json.bad", "defaults");
    assertThat(Files.readString(dir.resolve("settings.json.bad"))).isEqualTo(broken);
    assertThat(dir.resolve("settings.json")).doesNotExist();
  }

  @Test
  void anInvalidValueIsReportedByItsMeaning() throws Exception {
    Files.writeString(dir.resolve("settings.json"), "{\"video\": {\"bitrateKbps\": 5}}");
    var loaded = SettingsStore.at(dir).load(StudioSettings::defaults);
    assertThat(loaded.problem()).contains("video bitrate 5 kbps must be within 100..200000");
    assertThat(dir.resolve("settings.json.bad")).exists();

    Files.writeString(dir.resolve("settings.json"), "{\"scene\": [{\"kind\": \"hologram\"}]}");
    assertThat(SettingsStore.at(dir).load(StudioSettings::defaults).problem()).contains("unknown source kind 'hologram'");

    Files.writeString(dir.resolve("settings.json"), "[1, 2]");
    assertThat(SettingsStore.at(dir).load(StudioSettings::defaults).problem()).contains("not a JSON object");
  }

  @Test
  void recordsRejectNonsenseWithTheField() {
    assertThatThrownBy(() -> new VideoSettings(1279, 720, 30, 2500, "auto", 2)).hasMessageContaining("video size 1279x720");
    assertThatThrownBy(() -> new RecordingSettings("/tmp", "avi")).hasMessageContaining("recording format 'avi'");
    assertThatThrownBy(() -> new ServerSettings(true, List.of("localhost"), null)).hasMessageContaining("'localhost' is not HOST:PORT");
    assertThatThrownBy(() -> new Placement(0.9, 0, 0, 1)).hasMessageContaining("placement size");
    assertThatThrownBy(() -> StudioSettings.defaults().source("nope")).hasMessageContaining("'nope'");
    var d = Destination.of("x", "rtmp://h/app", "k");
    assertThatThrownBy(() -> StudioSettings.defaults().withDestinations(List.of(d, d))).hasMessageContaining("same id");
  }

  @Test
  void platformDirFollowsTheOs() {
    Path p = SettingsStore.platformDir();
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path expected = xdg != null && !xdg.isBlank() ? Path.of(xdg, "tally-studio")
        : Path.of(System.getProperty("user.home"), ".config", "tally-studio");
    assertThat(p).isEqualTo(expected);
    assertThat(SettingsStore.platform().file()).isEqualTo(expected.resolve("settings.json").toAbsolutePath());
  }
}
