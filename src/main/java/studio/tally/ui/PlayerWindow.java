package studio.tally.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.TilePane;
import javafx.stage.Stage;

/**
 * The Player window: a URL bar (with the TLS pin or "insecure" for self-signed servers) and the
 * streams played side by side, each a {@link PlayerTile} with its stats overlay, snapshot and
 * "copy as tally probe command". All on the FX thread; players connect and decode on their own.
 */
final class PlayerWindow {
  private final Stage stage;
  private final Executor fx;
  private final Path snapshotDir;
  private final Runnable onClosed;
  private final TextField url = new TextField();
  private final TextField fingerprint = new TextField();
  private final CheckBox insecure = new CheckBox("Insecure TLS");
  private final TilePane tiles = new TilePane(8, 8);
  private final List<PlayerTile> players = new ArrayList<>();

  PlayerWindow(Stage stage, Executor fx, Path snapshotDir, Runnable onClosed) {
    this.stage = stage;
    this.fx = fx;
    this.snapshotDir = snapshotDir;
    this.onClosed = onClosed;
    url.setPromptText("http(s)://host/app/stream.flv or rtmp(s)://host/app/stream");
    url.setId("player-url");
    fingerprint.setPromptText("TLS SHA-256 to trust (optional)");
    fingerprint.setPrefColumnCount(18);
    Button play = new Button("Play");
    play.setId("player-play");
    play.setDefaultButton(true);
    play.setOnAction(e -> {
      if (!url.getText().isBlank()) open(url.getText().strip());
    });
    HBox bar = new HBox(8, url, fingerprint, insecure, play);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(8));
    HBox.setHgrow(url, Priority.ALWAYS);
    tiles.setPadding(new Insets(8));
    tiles.setPrefColumns(2);
    Label empty = new Label("Open a stream: its picture and QA figures show here, several side by side.");
    empty.getStyleClass().add("preview-placeholder");
    tiles.getChildren().add(empty);
    BorderPane root = new BorderPane(tiles, bar, null, null, null);
    Scene scene = new Scene(root, 1000, 620);
    Theme.style(scene);
    stage.setScene(scene);
    stage.setTitle("Tally — Player");
    stage.setOnHidden(e -> close());
  }

  void show() {
    stage.show();
  }

  Stage stage() {
    return stage;
  }

  /** FX thread: adds a player for url with the TLS settings of the bar. */
  PlayerTile open(String streamUrl) {
    if (players.isEmpty()) tiles.getChildren().clear();
    PlayerTile tile = new PlayerTile(fx, snapshotDir, this::remove);
    players.add(tile);
    tiles.getChildren().add(tile);
    tile.play(streamUrl, fingerprint.getText(), insecure.isSelected());
    return tile;
  }

  List<PlayerTile> players() {
    return List.copyOf(players);
  }

  void setTls(String pin, boolean insecureTls) {
    fingerprint.setText(pin == null ? "" : pin);
    insecure.setSelected(insecureTls);
  }

  private void remove(PlayerTile tile) {
    players.remove(tile);
    tiles.getChildren().remove(tile);
  }

  /** Stops every player; the window closes. */
  void close() {
    for (PlayerTile t : List.copyOf(players)) t.stop();
    players.clear();
    if (stage.isShowing()) stage.hide();
    onClosed.run();
  }
}
