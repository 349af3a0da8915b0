package studio.tally.ui;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.config.SceneSource;
import studio.tally.live.AvailableDevice;
import studio.tally.live.Call;
import studio.tally.live.Studio;

/**
 * The Call window: a one-to-one call from the studio through any SRS-compatible signaling server (the
 * studio's own by default). Pictures reach the two tiles through {@link PreviewSurface}s, so a busy FX
 * thread drops pictures on screen and never slows the call; joining, hanging up and the figures run on
 * the window's own threads, so nothing here blocks the FX thread. Input the call cannot use is said
 * under the form, as is why a call failed.
 */
final class CallWindow {
  static final String TITLE = "Tally — Call";
  static final String TEST_PATTERN = "Test pattern";
  static final String SCENE = "Studio scene";
  /** The microphone choice that sends no microphone: the test pattern's tone, or the scene's own sound. */
  static final String NO_MIC = "";
  static final String DEFAULT_MIC = "pulse:default";

  private final Stage stage;
  private final Executor fx;
  private final Supplier<String> studioServer;
  private final Supplier<Studio> studioScene;
  private final ExecutorService control = Executors.newSingleThreadExecutor(
      r -> Thread.ofPlatform().daemon().name("call-window").unstarted(r));
  private final ExecutorService stats = Executors.newSingleThreadExecutor(
      r -> Thread.ofPlatform().daemon().name("call-stats").unstarted(r));
  private final AtomicBoolean polling = new AtomicBoolean();
  private final PreviewSurface self;
  private final PreviewSurface peer;
  private final TextField server = new TextField();
  private final TextField room = new TextField();
  private final TextField name = new TextField();
  private final IceServersField iceServers = new IceServersField("call-ice-servers",
      "stun:host:3478 turn:user:pass@host:3478 (P2P; space-separated)", java.util.List.of());
  private final PasswordField token = new PasswordField();
  private final TextField tlsPin = new TextField();
  private final CheckBox tlsInsecure = new CheckBox("accept any certificate");
  private final ChoiceBox<Call.Mode> mode = new ChoiceBox<>();
  private final ChoiceBox<String> source = new ChoiceBox<>();
  private final ChoiceBox<String> microphone = new ChoiceBox<>(); // device ids; NO_MIC
  static final String NO_MIC_TONE = "None: the test tone";
  static final String NO_MIC_SCENE = "The scene's own sound";
  static final String HINT_MIC = "with echo cancellation; you hear the peer on the default output";
  static final String HINT_SCENE = "the mixer's sources, gain and mute as the stream gets them (its microphones included);"
      + " Mute mic silences the call only";
  private final Label micHint = hint(HINT_MIC);
  private String micBeforeScene; // FX thread: the choice to give back when the test pattern is chosen again
  private final java.util.Map<String, String> micNames = new java.util.concurrent.ConcurrentHashMap<>();
  private final Button join = new Button("Join", new FontIcon(Feather.PHONE_CALL));
  private final Button hangUp = new Button("Hang up", new FontIcon(Feather.PHONE_OFF));
  private final ToggleButton mic = new ToggleButton("Mute mic", new FontIcon(Feather.MIC_OFF));
  private final ToggleButton camera = new ToggleButton("Camera off", new FontIcon(Feather.VIDEO_OFF));
  private final Label message = new Label();
  private final Label stateLine = new Label("Not in a call");
  private final Label statsLine = new Label();
  private final Label peerCaption = new Label("Peer");
  private final Label cameraOffCaption = new Label("camera off");
  private final TextField invite = new TextField();
  private final ReadOnlyObjectWrapper<Call.State> state = new ReadOnlyObjectWrapper<>(this, "state");
  private final Timeline refresh;
  private boolean serverEdited;
  private boolean filled; // fill() chose the microphone: the listing does not change it
  private Call call; // FX thread

  /**
   * @param studioServer the studio's own signaling URL now, or null while its server is not running
   *     (FX thread)
   * @param studioScene the studio whose scene a call may send, or null while it is not open
   */
  CallWindow(Stage stage, Executor fx, Supplier<String> studioServer, Supplier<Studio> studioScene) {
    this.stage = stage;
    this.fx = fx;
    this.studioServer = studioServer;
    this.studioScene = studioScene;
    this.self = new PreviewSurface(fx);
    this.peer = new PreviewSurface(fx);

    server.setId("call-server");
    server.setPromptText("ws://host:port/sig/v1/rtc (the studio's server when it runs)");
    server.setPrefColumnCount(30);
    server.textProperty().addListener((o, a, b) -> {
      if (!b.equals(studioServer.get() == null ? "" : studioServer.get())) serverEdited = true;
      updateInvite();
    });
    room.setId("call-room");
    room.setText("room-" + Long.toString(System.nanoTime() & 0xfffff, 36));
    room.textProperty().addListener((o, a, b) -> updateInvite());
    name.setId("call-name");
    String user = System.getProperty("user.name", "studio").replaceAll("[^A-Za-z0-9_.~-]", "");
    name.setText(user.isEmpty() || !Character.isLetterOrDigit(user.charAt(0)) ? "studio" : user);
    mode.setId("call-mode");
    mode.getItems().setAll(Call.Mode.values());
    mode.setValue(Call.Mode.SFU);
    source.setId("call-source");
    source.getItems().setAll(TEST_PATTERN, SCENE);
    source.setValue(TEST_PATTERN);
    microphone.setId("call-microphone");
    micNames.put(NO_MIC, NO_MIC_TONE);
    micNames.put(DEFAULT_MIC, "Default microphone");
    microphone.setConverter(new javafx.util.StringConverter<>() {
      @Override
      public String toString(String id) {
        return id == null ? "" : micNames.getOrDefault(id, id);
      }

      @Override
      public String fromString(String text) {
        return text;
      }
    });
    microphone.getItems().setAll(NO_MIC);
    microphone.setValue(NO_MIC);
    listMicrophones();

    GridPane form = new GridPane();
    form.setHgap(8);
    form.setVgap(6);
    form.addRow(0, new Label("Server"), server);
    form.addRow(1, new Label("Room"), room);
    form.addRow(2, new Label("Name"), name);
    form.addRow(3, new Label("Mode"), new HBox(8, mode, hint("SFU: media through the server · P2P: directly between you")));
    form.addRow(4, new Label("Send"), source);
    micHint.setId("call-microphone-hint");
    form.addRow(5, new Label("Microphone"), new HBox(8, microphone, micHint));
    // the scene carries its own sound (its microphones are in the mix): no call microphone with it
    source.valueProperty().addListener((o, a, b) -> sourceChosen());
    GridPane.setHgrow(server, Priority.ALWAYS);

    // what a call through someone else's server may need: TURN for P2P across NATs, its token, its certificate
    token.setId("call-token");
    token.setPromptText("the signaling server's token, if it needs one");
    tlsPin.setId("call-tls-pin");
    tlsPin.setPromptText("wss://: SHA-256 fingerprint to trust (AB:CD:…), else the system's trust");
    tlsInsecure.setId("call-tls-insecure");
    tlsPin.disableProperty().bind(tlsInsecure.selectedProperty().or(join.disabledProperty()));
    GridPane connection = new GridPane();
    connection.setHgap(8);
    connection.setVgap(6);
    connection.addRow(0, new Label("ICE servers"), iceServers);
    connection.addRow(1, new Label("Token"), token);
    connection.addRow(2, new Label("Certificate"), new HBox(8, tlsPin, tlsInsecure));
    GridPane.setHgrow(iceServers, Priority.ALWAYS);
    HBox.setHgrow(tlsPin, Priority.ALWAYS);
    TitledPane connectionPane = new TitledPane("Connection: ICE servers, token, certificate", connection);
    connectionPane.setId("call-connection");
    connectionPane.setExpanded(false);

    join.setId("call-join");
    join.setDefaultButton(true);
    join.getStyleClass().add("accent");
    join.setOnAction(e -> join());
    hangUp.setId("call-hangup");
    hangUp.getStyleClass().add("danger");
    hangUp.setDisable(true);
    hangUp.setOnAction(e -> hangUp());
    mic.setId("call-mute-mic");
    camera.setId("call-camera-off");
    mic.setOnAction(e -> applyMute());
    camera.setOnAction(e -> applyMute());
    HBox buttons = new HBox(8, join, hangUp, mic, camera);
    buttons.setAlignment(Pos.CENTER_LEFT);

    message.setId("call-message");
    message.setWrapText(true);
    message.setStyle("-fx-text-fill: -color-danger-fg;");
    message.setManaged(false);
    message.visibleProperty().addListener((o, a, b) -> message.setManaged(b));
    message.setVisible(false);

    cameraOffCaption.setVisible(false);
    HBox tiles = new HBox(8, tile("call-self", self, new Label("You"), cameraOffCaption), tile("call-peer", peer, peerCaption));
    tiles.setAlignment(Pos.CENTER);

    stateLine.setId("call-state");
    stateLine.setStyle("-fx-font-weight: bold;");
    statsLine.setId("call-stats");
    statsLine.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
    invite.setId("call-invite");
    invite.setEditable(false);
    HBox.setHgrow(invite, Priority.ALWAYS);
    Button copy = new Button("Copy", new FontIcon(Feather.COPY));
    copy.setId("call-copy-invite");
    copy.setOnAction(e -> copyInvite());
    HBox inviteRow = new HBox(8, new Label("Invite"), invite, copy);
    inviteRow.setAlignment(Pos.CENTER_LEFT);

    VBox root = new VBox(10, form, connectionPane, buttons, message, tiles, stateLine, statsLine, inviteRow);
    root.setPadding(new Insets(12));
    root.setId("call-window");
    root.setUserData(this);
    Scene scene = new Scene(new BorderPane(root), 760, 600);
    Theme.style(scene);
    stage.setScene(scene);
    stage.setTitle(TITLE);
    stage.setOnCloseRequest(e -> {
      e.consume(); // hanging up takes a moment: leave the room, close the connections, then hide
      close();
    });
    stage.setOnHidden(e -> hidden());
    refresh = new Timeline(new KeyFrame(Duration.seconds(1), e -> pollFigures()));
    refresh.setCycleCount(Timeline.INDEFINITE);
    followStudioServer();
  }

  /**
   * Asks the sound server for its microphones off the FX thread (the device listing the studio's
   * sources use) and offers them; the default microphone is chosen when there is one, unless the user
   * or a test chose already.
   */
  private void listMicrophones() {
    CompletableFuture.supplyAsync(Studio::audioDevices, control).whenComplete((devices, error) -> fx.execute(() -> {
      if (error != null || devices == null) return;
      List<String> ids = new java.util.ArrayList<>(List.of(NO_MIC));
      boolean any = false;
      for (AvailableDevice d : devices) {
        if (d.kind() != SceneSource.Kind.MIC || !d.openable() || !d.deviceId().startsWith("pulse:")) continue;
        if (!any) ids.add(DEFAULT_MIC);
        any = true;
        micNames.put(d.deviceId(), d.description() + " (" + d.deviceId() + ")");
        ids.add(d.deviceId());
      }
      String chosen = microphone.getValue();
      for (String extra : microphone.getItems()) if (!ids.contains(extra)) ids.add(extra); // set by fill()
      microphone.getItems().setAll(ids);
      String choice = chosen == null || (chosen.equals(NO_MIC) && !filled && any) ? (any ? DEFAULT_MIC : NO_MIC) : chosen;
      if (SCENE.equals(source.getValue())) {
        if (micBeforeScene == null && !choice.equals(NO_MIC)) micBeforeScene = choice; // for when the test pattern comes back
        microphone.setValue(NO_MIC);
      } else {
        microphone.setValue(choice);
      }
    }));
  }

  /**
   * FX thread: with the scene the microphone choice is "the scene's own sound" and cannot change (the
   * mixer's microphones are in it: a call microphone would send the voice twice); back to the test
   * pattern, the choice made before comes back.
   */
  private void sourceChosen() {
    boolean sceneSound = SCENE.equals(source.getValue());
    if (sceneSound && !NO_MIC.equals(microphone.getValue())) {
      micBeforeScene = microphone.getValue();
      microphone.setValue(NO_MIC);
    } else if (!sceneSound && micBeforeScene != null) {
      microphone.setValue(micBeforeScene);
      micBeforeScene = null;
    }
    micNames.put(NO_MIC, sceneSound ? NO_MIC_SCENE : NO_MIC_TONE);
    microphone.setConverter(microphone.getConverter()); // shows the new label
    micHint.setText(sceneSound ? HINT_SCENE : HINT_MIC);
    microphone.setDisable(sceneSound || join.isDisabled());
  }

  private static Label hint(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("text-muted");
    return l;
  }

  private static StackPane tile(String id, PreviewSurface surface, Label caption, Label... more) {
    var view = surface.view();
    view.setFitWidth(352);
    view.setFitHeight(198);
    caption.setStyle("-fx-background-color: rgba(0,0,0,0.6); -fx-text-fill: white; -fx-padding: 2 6;");
    StackPane pane = new StackPane(view, caption);
    for (Label l : more) {
      l.setStyle("-fx-text-fill: white; -fx-font-size: 16px;");
      pane.getChildren().add(l);
    }
    StackPane.setAlignment(caption, Pos.BOTTOM_LEFT);
    pane.setId(id);
    pane.setMinSize(352, 198);
    pane.setPrefSize(352, 198);
    pane.setStyle("-fx-background-color: black;");
    return pane;
  }

  /** FX thread: the studio's server URL while the user has not typed another. */
  void followStudioServer() {
    String s = studioServer.get();
    if (!serverEdited && s != null && !s.equals(server.getText())) {
      server.setText(s);
    }
    updateInvite();
  }

  void show() {
    stage.show();
    stage.toFront();
  }

  Stage stage() {
    return stage;
  }

  ReadOnlyObjectProperty<Call.State> stateProperty() {
    return state.getReadOnlyProperty();
  }

  long peerFramesShown() {
    return peer.framesShownProperty().get();
  }

  long selfFramesShown() {
    return self.framesShownProperty().get();
  }

  String stateText() {
    return stateLine.getText();
  }

  String statsText() {
    return statsLine.getText();
  }

  /** The inline message under the form, or "" when there is none. */
  String messageText() {
    return message.isVisible() ? message.getText() : "";
  }

  String inviteLink() {
    return invite.getText();
  }

  /** FX thread: sets the form (tests, and a window opened for a given room). */
  void fill(String serverUrl, String roomName, String displayName, Call.Mode callMode) {
    fill(serverUrl, roomName, displayName, callMode, TEST_PATTERN);
  }

  void fill(String serverUrl, String roomName, String displayName, Call.Mode callMode, String send) {
    fill(serverUrl, roomName, displayName, callMode, send, NO_MIC);
  }

  /** As above, with the microphone to send (a device id, {@link #DEFAULT_MIC}, or {@link #NO_MIC}). */
  void fill(String serverUrl, String roomName, String displayName, Call.Mode callMode, String send, String mic) {
    filled = true;
    if (!microphone.getItems().contains(mic)) microphone.getItems().add(mic);
    microphone.setValue(mic);
    source.setValue(send);
    if (serverUrl != null) server.setText(serverUrl);
    room.setText(roomName);
    name.setText(displayName);
    mode.setValue(callMode);
  }

  /** FX thread: checks the form, then joins off the FX thread; a problem is said under the form. */
  void join() {
    if (call != null) return;
    Call.Connection connection = connection();
    String problem = Call.problem(server.getText(), connection, room.getText().strip(), name.getText().strip());
    if (problem != null) {
      say(problem);
      return;
    }
    Studio scene = SCENE.equals(source.getValue()) ? studioScene.get() : null;
    if (SCENE.equals(source.getValue()) && scene == null) {
      say("the studio's scene is not running yet: send the test pattern, or wait for the preview");
      return;
    }
    say(null);
    String url = server.getText().strip();
    String r = room.getText().strip();
    String n = name.getText().strip();
    Call.Mode m = mode.getValue();
    setInCall(true);
    showState(Call.State.CONNECTING, "joining '" + r + "'");
    String micId = microphone.getValue() == null || microphone.getValue().equals(NO_MIC) ? null : microphone.getValue();
    CompletableFuture.supplyAsync(() -> Call.start(url, connection, r, n, m, mic.isSelected(), camera.isSelected(), scene, micId,
            (w, h, argb, pts) -> self.offer(w, h, argb), (w, h, argb, pts) -> peer.offer(w, h, argb),
            (s, detail) -> fx.execute(() -> onState(s, detail))), control)
        .whenComplete((c, error) -> fx.execute(() -> {
          if (error != null) {
            Throwable cause = error.getCause() == null ? error : error.getCause();
            say(cause.getMessage());
            setInCall(false);
            showState(Call.State.FAILED, cause.getMessage());
            return;
          }
          call = c;
          refresh.play();
        }));
  }

  /** The Connection fields as the call takes them (FX thread). */
  private Call.Connection connection() {
    return new Call.Connection(iceServers.urls(), token.getText(), tlsPin.getText(),
        tlsInsecure.isSelected());
  }

  /** FX thread: hangs up off the FX thread; the future completes when the call is closed. */
  CompletableFuture<Void> hangUp() {
    if (control.isShutdown()) return CompletableFuture.completedFuture(null);
    Call c = call;
    call = null;
    refresh.stop();
    setInCall(false);
    // after a pending join: the control thread runs in order, so the call it makes is closed too
    return CompletableFuture.runAsync(() -> {
      if (c != null) c.close();
    }, control).thenCompose(v -> {
      CompletableFuture<Void> after = new CompletableFuture<>();
      fx.execute(() -> {
        Call late = call; // a join that finished while we were hanging up
        call = null;
        if (late != null) CompletableFuture.runAsync(late::close, control).whenComplete((x, e) -> after.complete(null));
        else after.complete(null);
      });
      return after;
    });
  }

  /** FX thread: hangs up, frees the window's threads, then hides the window. */
  CompletableFuture<Void> close() {
    stage.setTitle(TITLE + " — hanging up…");
    return hangUp().whenComplete((v, e) -> fx.execute(() -> {
      stage.setTitle(TITLE);
      stage.hide(); // onHidden frees the threads
    }));
  }

  /** FX thread, however the window was hidden (its close button, or the studio closing): hang up, free the threads. */
  private void hidden() {
    hangUp().whenComplete((v, e) -> {
      control.shutdown();
      stats.shutdown();
    });
  }

  private void onState(Call.State s, String detail) {
    showState(s, detail);
    if (s == Call.State.FAILED) {
      say(detail);
      Call c = call;
      call = null;
      refresh.stop();
      setInCall(false);
      if (c != null) CompletableFuture.runAsync(c::close, control); // frees its threads and libwebrtc
    }
  }

  private void showState(Call.State s, String detail) {
    state.set(s);
    String d = detail == null || detail.isBlank() ? "" : detail;
    stateLine.setText(switch (s) {
      case CONNECTING -> "Connecting… " + paren(d);
      case WAITING -> "Waiting for the peer " + paren(d);
      case IN_CALL -> "In call" + (d.isEmpty() ? "" : " with " + d);
      case PEER_LEFT -> "Peer left " + paren(d);
      case RECONNECTING -> "Reconnecting: " + (d.isEmpty() ? "signaling lost" : d);
      case FAILED -> "Failed: " + d;
      case ENDED -> "Call ended";
    });
    if (s == Call.State.IN_CALL && !d.isEmpty()) peerCaption.setText(d);
    if (s == Call.State.PEER_LEFT || s == Call.State.ENDED || s == Call.State.FAILED) peerCaption.setText("Peer");
  }

  private static String paren(String d) {
    return d.isEmpty() ? "" : "(" + d + ")";
  }

  private void say(String problem) {
    message.setText(problem == null ? "" : problem);
    message.setVisible(problem != null);
  }

  private void setInCall(boolean inCall) {
    join.setDisable(inCall);
    hangUp.setDisable(!inCall);
    server.setDisable(inCall);
    room.setDisable(inCall);
    name.setDisable(inCall);
    mode.setDisable(inCall);
    source.setDisable(inCall);
    microphone.setDisable(inCall || SCENE.equals(source.getValue()));
    iceServers.setDisable(inCall);
    token.setDisable(inCall);
    tlsInsecure.setDisable(inCall);
  }

  private void applyMute() {
    boolean m = mic.isSelected();
    boolean c = camera.isSelected();
    cameraOffCaption.setVisible(c);
    Call current = call;
    if (current != null) CompletableFuture.runAsync(() -> current.setMuted(m, c), control);
  }

  /** FX thread, once a second: asks for the figures off the FX thread, one request at a time. */
  private void pollFigures() {
    Call c = call;
    // only in a call: between calls there is nothing to measure, and a peer's connection may be closing
    if (c == null || state.get() != Call.State.IN_CALL || !polling.compareAndSet(false, true)) return;
    CompletableFuture.supplyAsync(c::figures, stats).whenComplete((f, e) -> {
      polling.set(false);
      if (f != null) fx.execute(() -> {
        if (call == c) statsLine.setText(f.line());
      });
    });
  }

  private void updateInvite() {
    String link = Call.inviteLink(server.getText(), room.getText().strip());
    invite.setText(link == null ? "" : link);
  }

  void copyInvite() {
    if (invite.getText().isEmpty()) {
      say("no invite link: enter a valid server and room");
      return;
    }
    ClipboardContent content = new ClipboardContent();
    content.putString(invite.getText());
    javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
  }

  /** Opens the Call window of the studio window {@code owner}; its server field follows the studio's server. */
  static CallWindow open(Window owner, StudioModel model) {
    Supplier<String> url = () -> {
      var st = model.statusProperty().get();
      return st == null ? null : Call.signalUrl(st.server());
    };
    Stage stage = new Stage();
    stage.initOwner(owner);
    CallWindow w = new CallWindow(stage, javafx.application.Platform::runLater, url, model::studio);
    javafx.beans.value.ChangeListener<Object> follow = (o, a, b) -> w.followStudioServer();
    model.statusProperty().addListener(follow);
    // the studio closing: hang up first, while its server still carries our leave to the peer
    Supplier<CompletableFuture<?>> hangUpFirst = w::close;
    model.beforeClose(hangUpFirst);
    stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_HIDDEN, e -> {
      model.statusProperty().removeListener(follow);
      model.removeBeforeClose(hangUpFirst);
    });
    w.show();
    return w;
  }

  @Override
  public String toString() {
    return "CallWindow[" + room.getText() + " as " + name.getText() + ", " + String.valueOf(mode.getValue()).toLowerCase(Locale.ROOT) + "]";
  }
}
