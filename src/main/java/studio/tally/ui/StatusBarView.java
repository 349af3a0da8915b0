package studio.tally.ui;

import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.live.ServerStatus;
import studio.tally.live.StudioStatus;

/** The status bar: LIVE + time, REC, bitrate, fps, dropped frames, CPU, memory, encoder, server state. */
final class StatusBarView {
  private final HBox root = new HBox();
  private final Label live = new Label("OFFLINE");
  private final Label rec = new Label();
  private final Label bitrate = new Label("— kbps", new FontIcon(Feather.ACTIVITY));
  private final Label fps = new Label("— fps", new FontIcon(Feather.FILM));
  private final Label dropped = new Label("0 dropped");
  private final Label cpu = new Label("CPU —", new FontIcon(Feather.CPU));
  private final Label memory = new Label("—");
  private final Label encoder = new Label();
  private final Label server = new Label("server …", new FontIcon(Feather.SERVER));

  StatusBarView(StudioModel model) {
    live.setId("status-live");
    rec.setId("status-rec");
    bitrate.setId("status-bitrate");
    fps.setId("status-fps");
    dropped.setId("status-dropped");
    cpu.setId("status-cpu");
    server.setId("status-server");
    rec.setVisible(false);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    root.getChildren().addAll(live, rec, bitrate, fps, dropped, cpu, memory, spacer, encoder, server);
    root.getStyleClass().add("status-bar");
    model.statusProperty().addListener((o, a, s) -> show(s));
  }

  Region view() {
    return root;
  }

  private void show(StudioStatus s) {
    if (s == null) return;
    live.getStyleClass().remove("live-badge");
    if (s.streaming()) {
      live.setText("LIVE " + s.liveTime());
      live.getStyleClass().add("live-badge");
    } else {
      live.setText("OFFLINE");
    }
    rec.setVisible(s.recording());
    rec.getStyleClass().setAll("label", "rec-badge");
    rec.setText("REC " + hms(s.recordingMillis()));
    boolean encoding = s.streaming() || s.recording();
    bitrate.setText(encoding ? String.format("%.0f kbps", s.bitrateKbps()) : "— kbps");
    fps.setText(encoding ? String.format("%.1f fps", s.fps()) : "— fps");
    dropped.setText(s.droppedFrames() + " dropped");
    cpu.setText(String.format("CPU %.0f%%", s.cpuPercent()));
    memory.setText(String.format("%.0f MB", s.memoryBytes() / 1e6));
    encoder.setText(s.encoder() == null ? "" : "encoder " + s.encoder());
    encoder.setTooltip(s.encoderFallback() == null ? null : new javafx.scene.control.Tooltip(s.encoderFallback()));
    server.setText(serverText(s.server()));
  }

  static String serverText(ServerStatus s) {
    return switch (s.state()) {
      case OFF -> "server off";
      case STARTING -> "server starting";
      case RUNNING -> "server on " + String.join(", ", s.addresses());
      case FAILED -> "server: " + s.problem();
    };
  }

  static String hms(long millis) {
    long s = millis / 1000;
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
