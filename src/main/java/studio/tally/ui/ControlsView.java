package studio.tally.ui;

import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The Controls dock: Start/Stop Streaming, Start/Stop Recording, Settings, Server…, Call…. */
final class ControlsView {
  private final VBox root = new VBox();
  private ServerPanel serverPanel;
  private CallWindow callWindow; // one per studio window: Call… brings it back to the front

  ControlsView(StudioModel model, Window owner) {
    Label title = new Label("CONTROLS");
    title.getStyleClass().add("dock-title");
    var notReady = Bindings.createBooleanBinding(() -> model.phaseProperty().get() != StudioModel.Phase.READY,
        model.phaseProperty());

    Button stream = new Button();
    stream.setId("stream-button");
    stream.getStyleClass().add("control-button");
    stream.textProperty().bind(Bindings.when(model.streamingProperty()).then("Stop Streaming").otherwise("Start Streaming"));
    stream.graphicProperty().bind(Bindings.createObjectBinding(
        () -> new FontIcon(model.streamingProperty().get() ? Feather.SQUARE : Feather.RADIO), model.streamingProperty()));
    model.streamingProperty().addListener((o, a, live) -> {
      stream.getStyleClass().removeAll("accent", "danger");
      stream.getStyleClass().add(live ? "danger" : "accent");
    });
    stream.getStyleClass().add("accent");
    stream.disableProperty().bind(notReady.or(model.busyProperty()));
    stream.setOnAction(e -> model.toggleStreaming());

    Button record = new Button();
    record.setId("record-button");
    record.getStyleClass().add("control-button");
    record.textProperty().bind(Bindings.when(model.recordingProperty()).then("Stop Recording").otherwise("Start Recording"));
    record.graphicProperty().bind(Bindings.createObjectBinding(
        () -> new FontIcon(model.recordingProperty().get() ? Feather.SQUARE : Feather.CIRCLE), model.recordingProperty()));
    record.disableProperty().bind(notReady.or(model.busyProperty()));
    record.setOnAction(e -> model.toggleRecording());

    Button settings = new Button("Settings", new FontIcon(Feather.SETTINGS));
    settings.setId("settings-button");
    settings.getStyleClass().add("control-button");
    settings.disableProperty().bind(notReady);
    settings.setOnAction(e -> SettingsDialog.show(owner, model));

    Button server = new Button("Server…", new FontIcon(Feather.SERVER));
    server.setId("server-button");
    server.getStyleClass().add("control-button");
    server.disableProperty().bind(notReady);
    server.setOnAction(e -> {
      if (serverPanel != null && serverPanel.stage().isShowing()) serverPanel.stage().toFront();
      else serverPanel = ServerPanel.open(model, owner);
    });

    Button call = new Button("Call…", new FontIcon(Feather.PHONE));
    call.setId("call-button");
    call.getStyleClass().add("control-button");
    call.setOnAction(e -> {
      if (callWindow == null || !callWindow.stage().isShowing()) callWindow = CallWindow.open(owner, model);
      else callWindow.show();
    });

    root.getChildren().addAll(title, stream, record, settings, server, call);
    root.getStyleClass().add("dock");
  }

  Region view() {
    return root;
  }
}
