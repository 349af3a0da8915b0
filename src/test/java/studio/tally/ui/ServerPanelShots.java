package studio.tally.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import studio.tally.config.Destination;
import studio.tally.config.RecordingSettings;
import studio.tally.config.ServerSettings;
import studio.tally.config.SettingsStore;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.testing.FreePort;

/**
 * Not a test: draws the Server panel and the Player window for docs/images on a real display
 * (glass GTK under Xvfb), with the studio live to its embedded server over RTMP and WHIP and FFmpeg
 * publishing a second stream. Run with DISPLAY set; args: profile dir, FFmpeg, then it prints where
 * each window is so x11grab can take it.
 */
public final class ServerPanelShots {
  private ServerPanelShots() {}

  public static void main(String[] args) throws Exception {
    Path profile = Path.of(args[0]);
    String ffmpeg = args[1];
    int rtmp = FreePort.tcp();
    int httpPort = FreePort.tcp();
    StudioSettings s = StudioSettings.defaults()
        .withVideo(new VideoSettings(640, 360, 25, 1200, "auto", 1))
        .withRecording(new RecordingSettings(profile.resolve("rec").toString(), "mp4"))
        .withServer(new ServerSettings(true, List.of("127.0.0.1:" + rtmp, "127.0.0.1:" + httpPort), "127.0.0.1:" + FreePort.udp()))
        .withDestination(new Destination("whip", "Local WHIP", "http://127.0.0.1:" + httpPort
            + "/rtc/v1/whip/?app=live&stream=studio-webrtc", "", true, null, false, Destination.Protocol.WHIP, false));
    Files.createDirectories(profile);
    SettingsStore.at(profile).save(s);

    Platform.startup(() -> { });
    CompletableFuture<StudioWindow> opened = new CompletableFuture<>();
    Platform.runLater(() -> {
      Theme.install();
      StudioWindow w = new StudioWindow(new Stage(), new StudioOptions(profile, true, false), () -> System.exit(0));
      w.show();
      w.stage().setX(0);
      w.stage().setY(1000);
      opened.complete(w);
    });
    StudioWindow w = opened.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 120; i++) { // the embedded server starts beside the scene
      try (var probe = new java.net.Socket("127.0.0.1", rtmp)) {
        break;
      } catch (java.io.IOException notYet) {
        Thread.sleep(500);
      }
    }
    Process ff = new ProcessBuilder(ffmpeg, "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + rtmp + "/live/camera2").inheritIO().start();
    Thread.sleep(12_000);
    Platform.runLater(() -> ((Button) w.stage().getScene().lookup("#server-button")).fire());
    String where = null;
    for (int i = 0; i < 30 && where == null; i++) {
      Thread.sleep(1_000);
      CompletableFuture<String> f = new CompletableFuture<>();
      Platform.runLater(() -> {
        Stage panel = Stage.getWindows().stream().filter(x -> x instanceof Stage st && ServerPanel.TITLE.equals(st.getTitle()))
            .map(x -> (Stage) x).findFirst().orElseThrow();
        panel.setX(0);
        panel.setY(0);
        Button play = (Button) panel.getScene().lookup("#play-live-camera2");
        if (play != null) play.fire();
        f.complete(play == null ? null : "panel " + (int) panel.getWidth() + "x" + (int) panel.getHeight() + "+0+0");
      });
      where = f.get(10, TimeUnit.SECONDS);
    }
    System.out.println(where);
    Thread.sleep(3_000);
    CompletableFuture<String> player = new CompletableFuture<>();
    Platform.runLater(() -> {
      Stage p = Stage.getWindows().stream().filter(x -> x instanceof Stage st && st.getTitle() != null
          && st.getTitle().contains("Player")).map(x -> (Stage) x).findFirst().orElseThrow();
      p.setX(1080);
      p.setY(0);
      player.complete("player " + (int) p.getWidth() + "x" + (int) p.getHeight() + "+1080+0");
    });
    System.out.println(player.get(10, TimeUnit.SECONDS));
    System.out.println("READY");
    Thread.sleep(Long.parseLong(args.length > 2 ? args[2] : "60000"));
    ff.destroy();
    Platform.runLater(w::close);
  }
}
