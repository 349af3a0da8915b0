package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.ui.StudioWindowFixture.fx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.PeerReaper;

/**
 * The Player window on headless Monocle against real peers: FFmpeg 8.1 publishes to our server, the
 * window plays it over HTTP-FLV and RTMP side by side, shows pictures and the QA figures under
 * their JSON names, writes a snapshot PNG and copies the equivalent `tally probe` command.
 */
@ExtendWith(PeerReaper.class)
@ExtendWith(FxThemed.class)
class PlayerWindowTest {
  private final FxRobot robot = new FxRobot();

  @Test
  void twoStreamsSideBySideShowPicturesStatsASnapshotAndTheProbeCommand(@TempDir Path snapshots, @TempDir Path config)
      throws Exception {
    TallyServer server = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0")
        .withListen(List.of("127.0.0.1:0")).withConfigDir(config.toString()), "0.1.0-test");
    int port = server.boundAddresses().getFirst().getPort();
    try (server; FfmpegProcess ffmpeg = Ffmpeg.bundled().publishTestSource("rtmp://127.0.0.1:" + port + "/live/w",
        Duration.ofSeconds(60), 320, 240, 25, 25)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !ffmpeg.isAlive() || server.hub().stream(new StreamKey("live", "w"))
          .map(s -> s.hasVideo() && s.publisher() != null).orElse(false));
      PlayerWindow window = WaitForAsyncUtils.asyncFx(() -> {
        PlayerWindow w = new PlayerWindow(new Stage(), Platform::runLater, snapshots, () -> {});
        w.show();
        return w;
      }).get(30, TimeUnit.SECONDS);
      try {
        // one stream typed into the bar, one opened directly
        robot.clickOn("#player-url").write("http://127.0.0.1:" + port + "/live/w.flv");
        robot.clickOn("#player-play");
        fx(() -> window.open("rtmp://127.0.0.1:" + port + "/live/w"));
        List<PlayerTile> tiles = fx(window::players);
        assertThat(tiles).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> tiles.stream().allMatch(t -> t.framesShown() >= 10
            && t.statsText().contains("time_to_first_frame_ms"))));
        for (PlayerTile t : tiles) {
          String stats = fx(t::statsText);
          assertThat(stats).contains("width  320").contains("height  240").contains("video_codec  H264")
              .contains("freeze_count").contains("latency_ms  null");
          assertThat(t.figures().get("frames")).isNotEqualTo("0");
        }
        Path png = fx(() -> tiles.get(0).snapshot()).get(30, TimeUnit.SECONDS);
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(240);
        assertThat(Files.size(png)).isGreaterThan(1000);

        fx(() -> {
          tiles.get(1).copyProbeCommand();
          return null;
        });
        assertThat(fx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString()))
            .isEqualTo("tally probe rtmp://127.0.0.1:" + port + "/live/w --duration 10 --json");
      } finally {
        fx(() -> {
          window.close();
          return null;
        });
      }
      ffmpeg.stop();
    }
  }
}
