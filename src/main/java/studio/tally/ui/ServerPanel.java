package studio.tally.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.live.ServerSnapshot;
import studio.tally.live.ServerStatus;
import studio.tally.live.ServerUrl;

/**
 * The Server panel: the embedded server's listeners and, for the selected stream (the studio's own
 * {@code live/studio} until another is picked), the URL of every protocol to copy; the live streams
 * with "Play" (the Player window, over HTTP-FLV: it plays any stream, a WHIP one through the server's
 * bridge, and needs no WebRTC on loopback); the clients with "Kick"; the TLS certificate's SHA-256 to
 * pin. The engine reads the server's API about once a second off the FX thread; this window only
 * shows the snapshots, and stops the reading when it closes.
 */
final class ServerPanel {
  static final String TITLE = "Tally — Server";
  private static final String DEFAULT_APP = "live";
  private static final String DEFAULT_STREAM = "studio";

  private final StudioModel model;
  private final Stage stage = new Stage();
  private final Label state = new Label();
  private final Label listeners = new Label();
  private final TextField fingerprint = new TextField();
  private final Label urlsTitle = new Label();
  private final GridPane urls = new GridPane();
  private final TableView<ServerSnapshot.Stream> streams = new TableView<>();
  private final TableView<ServerSnapshot.Client> clients = new TableView<>();
  private ServerSnapshot last;
  private AutoCloseable watch;
  private PlayerWindow player;
  private String selectedApp = DEFAULT_APP;
  private String selectedStream = DEFAULT_STREAM;
  private List<ServerUrl> shownUrls = List.of();

  private ServerPanel(StudioModel model, Window owner) {
    this.model = model;
    stage.initOwner(owner);
    stage.setTitle(TITLE);
    state.setId("server-state");
    state.setWrapText(true);
    listeners.setId("server-listeners");
    fingerprint.setId("server-fingerprint");
    fingerprint.setEditable(false);
    fingerprint.setPrefColumnCount(48);
    urls.setId("server-urls");
    urls.setHgap(8);
    urls.setVgap(4);
    streams.setId("server-streams");
    clients.setId("server-clients");
    streams.setPlaceholder(new Label("No live stream: publish to one of the URLs above, or start streaming."));
    clients.setPlaceholder(new Label("Nobody is connected."));
    streams.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    clients.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    streams.setPrefHeight(180);
    clients.setPrefHeight(200);
    buildStreamColumns();
    buildClientColumns();
    streams.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> {
      if (s != null) select(s.app(), s.name());
    });

    Button copyFingerprint = copyButton("copy-fingerprint", fingerprint::getText);
    HBox fp = new HBox(6, new Label("TLS SHA-256"), fingerprint, copyFingerprint);
    fp.setAlignment(Pos.CENTER_LEFT);
    HBox.setHgrow(fingerprint, Priority.ALWAYS);
    VBox root = new VBox(8, state, listeners, fp, title(urlsTitle), urls, title(new Label("LIVE STREAMS")), streams,
        title(new Label("CLIENTS")), clients);
    root.setPadding(new Insets(10));
    VBox.setVgrow(streams, Priority.ALWAYS);
    VBox.setVgrow(clients, Priority.ALWAYS);
    var screen = javafx.stage.Screen.getPrimary().getVisualBounds(); // never taller than the screen
    Scene scene = new Scene(root, Math.min(1060, screen.getWidth()), Math.min(900, screen.getHeight()));
    Theme.style(scene);
    stage.setScene(scene);
    stage.setOnHidden(e -> stopWatching());
    stage.getProperties().put(ServerPanel.class, this); // tests find the panel through its window
    show(null);
  }

  /** FX thread: opens the panel (or brings the open one to the front) and starts the once-a-second reading. */
  static ServerPanel open(StudioModel model, Window owner) {
    ServerPanel p = new ServerPanel(model, owner);
    p.stage.show();
    p.watch = model.watchServer(p::show);
    return p;
  }

  Stage stage() {
    return stage;
  }

  /** The Player window "Play" opened, or null. */
  PlayerWindow player() {
    return player;
  }

  /** The snapshot shown, null before the first. */
  ServerSnapshot snapshot() {
    return last;
  }

  private static Label title(Label l) {
    l.getStyleClass().add("dock-title");
    return l;
  }

  private void buildStreamColumns() {
    streams.getColumns().setAll(List.<TableColumn<ServerSnapshot.Stream, ?>>of(
        column("Stream", ServerSnapshot.Stream::path, 160),
        column("Publisher", s -> kind(s.publisher()), 120),
        column("Clients", s -> Integer.toString(s.clients()), 60),
        column("In kbps", s -> Long.toString(s.recvKbps()), 70),
        column("Video", ServerSnapshot.Stream::video, 130),
        column("Audio", ServerSnapshot.Stream::audio, 110),
        actionColumn("Play", s -> "play-" + s.app() + "-" + s.name(), s -> play(s))));
  }

  private void buildClientColumns() {
    clients.getColumns().setAll(List.<TableColumn<ServerSnapshot.Client, ?>>of(
        column("Id", ServerSnapshot.Client::id, 90),
        column("Type", c -> kind(c.type()), 110),
        column("Stream", ServerSnapshot.Client::stream, 140),
        column("IP", ServerSnapshot.Client::ip, 100),
        column("Alive", c -> String.format("%.0f s", c.aliveSeconds()), 60),
        column("kbps in/out", c -> c.recvKbps() + " / " + c.sendKbps(), 90),
        actionColumn("Kick", c -> "kick-" + c.id(), c -> model.kickClient(c.id()))));
  }

  /** SRS's client types (the API's words) as a streamer says them. */
  static String kind(String srsType) {
    return switch (srsType) {
      case "fmle-publish" -> "RTMP publisher";
      case "rtc-publish" -> "WHIP publisher";
      case "rtmp-play" -> "RTMP player";
      case "flv-play" -> "HTTP-FLV player";
      case "rtc-play" -> "WHEP player";
      default -> srsType;
    };
  }

  private static <T> TableColumn<T, String> column(String name, Function<T, String> value, double width) {
    TableColumn<T, String> c = new TableColumn<>(name);
    c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
    c.setPrefWidth(width);
    return c;
  }

  /** A button per row; the cell's value is the row's item itself, so the button always acts on its own row. */
  private static <T> TableColumn<T, T> actionColumn(String text, Function<T, String> id, java.util.function.Consumer<T> action) {
    TableColumn<T, T> c = new TableColumn<>("");
    c.setPrefWidth(70);
    c.setSortable(false);
    c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
    c.setCellFactory(col -> new TableCell<>() {
      private final Button button = new Button(text);

      {
        button.getStyleClass().add("small");
        button.setOnAction(e -> {
          T item = getItem();
          if (item != null) action.accept(item);
        });
      }

      @Override
      protected void updateItem(T item, boolean empty) {
        super.updateItem(item, empty);
        if (empty || item == null) {
          setGraphic(null);
        } else {
          button.setId(id.apply(item));
          setGraphic(button);
        }
      }
    });
    return c;
  }

  /** FX thread: shows a snapshot (null: before the first arrives). */
  private void show(ServerSnapshot s) {
    last = s;
    boolean running = s != null && s.state() == ServerStatus.State.RUNNING;
    if (s == null) state.setText("Reading the embedded server…");
    else if (!running) state.setText(s.message());
    else state.setText(s.message() == null ? "The embedded server is running." : s.message());
    state.getStyleClass().removeAll("destination-problem");
    if (s != null && s.message() != null && (running || s.state() == ServerStatus.State.FAILED)) {
      state.getStyleClass().add("destination-problem");
    }
    listeners.setText(running ? "Listening on " + String.join(", ", s.listeners())
        + " — every port serves RTMP, RTMPS, HTTP(S)-FLV, WHIP/WHEP, the API and signaling" : "");
    fingerprint.setText(running && s.tlsFingerprint() != null ? s.tlsFingerprint() : "");
    fingerprint.setDisable(!running);
    List<ServerSnapshot.Stream> st = running ? s.streams() : List.of();
    List<ServerSnapshot.Client> cl = running ? s.clients() : List.of();
    if (!st.equals(streams.getItems())) {
      ServerSnapshot.Stream selected = streams.getSelectionModel().getSelectedItem();
      streams.getItems().setAll(st);
      if (selected != null) {
        st.stream().filter(x -> x.id().equals(selected.id())).findFirst().ifPresent(x -> streams.getSelectionModel().select(x));
      }
    }
    if (!cl.equals(clients.getItems())) clients.getItems().setAll(cl);
    showUrls(running ? s : null);
  }

  private void select(String app, String stream) {
    selectedApp = app;
    selectedStream = stream;
    showUrls(last != null && last.state() == ServerStatus.State.RUNNING ? last : null);
  }

  private void showUrls(ServerSnapshot s) {
    List<ServerUrl> next = s == null || s.rtmpListen() == null ? List.of()
        : ServerUrl.of(s.rtmpListen(), s.httpListen(), selectedApp, selectedStream);
    urlsTitle.setText("URLS FOR " + selectedApp + "/" + selectedStream + (s == null ? "" : " (pick a stream below for another)"));
    if (next.equals(shownUrls)) return;
    shownUrls = next;
    urls.getChildren().clear();
    int row = 0;
    for (ServerUrl u : next) {
      String key = u.protocol().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "");
      TextField field = new TextField(u.url());
      field.setId("url-" + key);
      field.setEditable(false);
      field.setPrefColumnCount(44);
      GridPane.setHgrow(field, Priority.ALWAYS);
      Label use = new Label(u.use());
      use.getStyleClass().add("destination-state");
      Label protocol = new Label(u.protocol());
      protocol.setMinWidth(Region.USE_PREF_SIZE);
      use.setMinWidth(Region.USE_PREF_SIZE);
      urls.addRow(row++, protocol, field, copyButton("copy-" + key, field::getText), use);
    }
  }

  private static Button copyButton(String id, java.util.function.Supplier<String> text) {
    Button b = new Button(null, new FontIcon(Feather.COPY));
    b.setId(id);
    b.getStyleClass().addAll("flat", "button-icon");
    b.setTooltip(new Tooltip("Copy"));
    b.setOnAction(e -> {
      ClipboardContent c = new ClipboardContent();
      c.putString(text.get());
      javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
    });
    return b;
  }

  /** Opens the stream in the Player window (one window, a tile per stream played). */
  private void play(ServerSnapshot.Stream s) {
    ServerSnapshot snap = last;
    if (snap == null || snap.httpListen() == null) return;
    String url = ServerUrl.of(snap.rtmpListen(), snap.httpListen(), s.app(), s.name()).stream()
        .filter(u -> u.protocol().equals("HTTP-FLV")).findFirst().orElseThrow().url();
    if (player == null) {
      var settings = model.settingsProperty().get();
      Path snapshots = settings == null ? Path.of(System.getProperty("user.home")) : settings.recording().folderPath();
      player = new PlayerWindow(new Stage(), Platform::runLater, snapshots, () -> player = null);
      player.show();
    }
    player.open(url);
    player.stage().toFront();
  }

  private void stopWatching() {
    AutoCloseable w = watch;
    watch = null;
    if (w != null) {
      try {
        w.close();
      } catch (Exception ignored) {
        // the engine's handle does not throw
      }
    }
  }
}
