package studio.tally.ui;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;
import studio.tally.config.RecordingSettings;
import studio.tally.config.ServerSettings;
import studio.tally.live.IceServerChecks;
import studio.tally.config.StudioSettings;
import studio.tally.config.VideoSettings;
import studio.tally.live.EncoderChoice;

/**
 * Output (size, fps, bitrate, encoder with why an encoder is unusable, keyframe interval),
 * recording (folder, format) and the embedded server (on/off, ports). A value the settings refuse
 * keeps the dialog open with the reason under the form.
 */
final class SettingsDialog {
  static final List<String> SIZES = List.of("1920x1080", "1280x720", "854x480", "640x360");
  static final List<Double> RATES = List.of(24.0, 25.0, 30.0, 50.0, 60.0);

  private SettingsDialog() {}

  static void show(Window owner, StudioModel model) {
    StudioSettings current = model.settingsProperty().get();
    if (current == null) return;
    Dialog<StudioSettings> dialog = new Dialog<>();
    dialog.initOwner(owner);
    dialog.setTitle("Settings");
    dialog.setHeaderText("Output, recording and the embedded server. Output changes apply at the next start.");
    VideoSettings v = current.video();

    ComboBox<String> size = new ComboBox<>();
    size.setId("settings-size");
    size.setEditable(true);
    size.getItems().setAll(SIZES);
    size.setValue(v.width() + "x" + v.height());
    ComboBox<Double> fps = new ComboBox<>();
    fps.setId("settings-fps");
    fps.getItems().setAll(RATES);
    if (!RATES.contains(v.fps())) fps.getItems().add(v.fps());
    fps.setValue(v.fps());
    Spinner<Integer> bitrate = new Spinner<>(100, 200_000, v.bitrateKbps(), 250);
    bitrate.setId("settings-bitrate");
    bitrate.setEditable(true);
    Spinner<Double> keyframe = new Spinner<>(0.5, 20, v.keyframeIntervalSeconds(), 0.5);
    keyframe.setId("settings-keyframe");
    keyframe.setEditable(true);

    ComboBox<EncoderChoice> encoder = new ComboBox<>();
    encoder.setId("settings-encoder");
    EncoderChoice auto = new EncoderChoice("auto", "h264", false, true, null);
    encoder.getItems().add(auto);
    encoder.setValue(auto);
    Label encoderWhy = new Label("probing encoders…");
    encoderWhy.getStyleClass().add("destination-state");
    encoderWhy.setWrapText(true);
    encoderWhy.setMaxWidth(420);
    encoder.setCellFactory(l -> new EncoderCell());
    encoder.setButtonCell(new EncoderCell());
    model.encoders().thenAccept(list -> {
      encoder.getItems().setAll(auto);
      encoder.getItems().addAll(list);
      encoder.setValue(list.stream().filter(c -> c.name().equals(v.encoder())).findFirst().orElse(auto));
      long unusable = list.stream().filter(c -> !c.usable()).count();
      encoderWhy.setText(unusable == 0 ? "" : unusable + " encoder(s) cannot run here; pick one to see why.");
    });
    encoder.valueProperty().addListener((o, a, c) -> {
      if (c != null && !c.usable()) encoderWhy.setText(c.name() + " cannot run here: " + c.reason());
      else if (c != null) encoderWhy.setText(c.name().equals("auto") ? "auto: the first usable one, hardware first" : "");
    });

    TextField folder = new TextField(current.recording().folder());
    folder.setId("settings-folder");
    Button browse = new Button("Browse…");
    browse.setOnAction(e -> {
      DirectoryChooser chooser = new DirectoryChooser();
      File start = new File(folder.getText());
      if (start.isDirectory()) chooser.setInitialDirectory(start);
      File picked = chooser.showDialog(dialog.getDialogPane().getScene().getWindow());
      if (picked != null) folder.setText(picked.getAbsolutePath());
    });
    HBox folderBox = new HBox(6, folder, browse);
    HBox.setHgrow(folder, Priority.ALWAYS);
    ComboBox<String> format = new ComboBox<>();
    format.setId("settings-format");
    format.getItems().setAll("mp4", "mkv");
    format.setValue(current.recording().format());

    ServerSettings srv = current.server();
    CheckBox serverOn = new CheckBox("Run the embedded server (RTMP, HTTP-FLV, WebRTC)");
    serverOn.setId("settings-server");
    serverOn.setSelected(srv.enabled());
    TextField listen = new TextField(String.join(", ", srv.listen()));
    listen.setId("settings-listen");
    listen.setPromptText("127.0.0.1:1935, 127.0.0.1:8080");
    listen.disableProperty().bind(serverOn.selectedProperty().not());
    var busy = model.statusProperty().get() == null ? null : model.statusProperty().get().server();
    if (busy != null && !busy.suggestedListen().isEmpty()) {
      listen.setText(String.join(", ", busy.suggestedListen())); // offer the free ports the engine found
    }

    // told to WHIP/WHEP clients in Link headers; a TURN secret makes time-limited credentials (coturn use-auth-secret)
    IceServersField iceServers = new IceServersField("settings-ice-servers",
        "stun:host:3478 turn:host:3478 (for WHIP/WHEP clients; optional)", srv.iceServers());
    iceServers.disableProperty().bind(serverOn.selectedProperty().not());
    javafx.scene.control.PasswordField turnSecret = new javafx.scene.control.PasswordField();
    turnSecret.setId("settings-turn-secret");
    turnSecret.setPromptText("coturn static-auth-secret (TURN URLs without user:pass)");
    turnSecret.setText(srv.turnSecret() == null ? "" : srv.turnSecret());
    turnSecret.disableProperty().bind(serverOn.selectedProperty().not());

    Label problem = new Label();
    problem.setId("settings-problem");
    problem.getStyleClass().add("destination-problem");

    GridPane form = new GridPane();
    form.setHgap(10);
    form.setVgap(8);
    form.setPadding(new Insets(10));
    int r = 0;
    form.addRow(r++, section("Output"));
    form.addRow(r++, new Label("Size"), size);
    form.addRow(r++, new Label("Frame rate"), fps);
    form.addRow(r++, new Label("Bitrate (kbps)"), bitrate);
    form.addRow(r++, new Label("Encoder"), encoder);
    form.add(encoderWhy, 1, r++);
    form.addRow(r++, new Label("Keyframe every (s)"), keyframe);
    form.addRow(r++, section("Recording"));
    form.addRow(r++, new Label("Folder"), folderBox);
    form.addRow(r++, new Label("Format"), format);
    form.addRow(r++, section("Embedded server"));
    form.add(serverOn, 1, r++);
    form.addRow(r++, new Label("Listen on"), listen);
    form.addRow(r++, new Label("ICE servers"), iceServers);
    form.addRow(r++, new Label("TURN secret"), turnSecret);
    form.add(problem, 0, r, 2, 1);
    dialog.getDialogPane().setContent(form);
    dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);

    StudioSettings[] result = new StudioSettings[1];
    dialog.getDialogPane().lookupButton(ButtonType.OK).addEventFilter(ActionEvent.ACTION, e -> {
      try {
        int[] wh = parseSize(size.getEditor().getText() == null || size.getEditor().getText().isBlank()
            ? size.getValue() : size.getEditor().getText());
        EncoderChoice enc = encoder.getValue();
        if (enc != null && !enc.usable()) throw new IllegalArgumentException(enc.name() + " cannot run here: " + enc.reason());
        VideoSettings video = new VideoSettings(wh[0], wh[1], fps.getValue(), bitrate.getValue(),
            enc == null ? "auto" : enc.name(), keyframe.getValue());
        RecordingSettings rec = new RecordingSettings(folder.getText(), format.getValue());
        List<String> addresses = new ArrayList<>();
        for (String a : listen.getText().split("[,\\s]+")) if (!a.isBlank()) addresses.add(a.strip());
        String ice = IceServerChecks.forServer(iceServers.urls(), turnSecret.getText());
        if (ice != null) throw new IllegalArgumentException("ICE servers: " + ice);
        ServerSettings server = srv.withEnabled(serverOn.isSelected()).withListen(addresses)
            .withIceServers(iceServers.urls(), turnSecret.getText());
        result[0] = current.withVideo(video).withRecording(rec).withServer(server);
        problem.setText("");
      } catch (IllegalArgumentException ex) {
        problem.setText(capitalise(ex.getMessage()));
        e.consume();
      }
    });
    dialog.setResultConverter(b -> b == ButtonType.OK ? result[0] : null);
    dialog.showAndWait().ifPresent(model::applySettings);
  }

  /** "1920x1080" → {1920, 1080}; anything else fails with what was typed. */
  static int[] parseSize(String s) {
    String t = s == null ? "" : s.strip().toLowerCase();
    if (!t.matches("\\d{2,5}\\s*x\\s*\\d{2,5}")) {
      throw new IllegalArgumentException("size '" + s + "' is not WIDTHxHEIGHT, e.g. 1920x1080");
    }
    String[] p = t.split("\\s*x\\s*");
    return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
  }

  private static String capitalise(String m) {
    return m == null || m.isEmpty() ? "Invalid value" : Character.toUpperCase(m.charAt(0)) + m.substring(1);
  }

  private static Label section(String text) {
    Label l = new Label(text.toUpperCase());
    l.getStyleClass().add("dock-title");
    return l;
  }

  private static final class EncoderCell extends ListCell<EncoderChoice> {
    @Override
    protected void updateItem(EncoderChoice c, boolean empty) {
      super.updateItem(c, empty);
      if (empty || c == null) {
        setText(null);
        return;
      }
      String kind = c.name().equals("auto") ? "" : c.hardware() ? " (hardware)" : " (software)";
      setText(c.name() + kind + (c.usable() ? "" : " — unusable"));
      setDisable(false); // still selectable, so the reason shows; OK refuses it
      setOpacity(c.usable() ? 1 : 0.6);
    }
  }
}
