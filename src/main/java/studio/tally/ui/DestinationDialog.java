package studio.tally.ui;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.stage.Window;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.config.Destination;
import studio.tally.live.IceServerChecks;

/**
 * Add/edit a destination the way OBS asks for it: server URL and stream key apart (paste either
 * from the platform's dashboard; a full URL pasted into the server field is split at its last
 * path segment when the key is empty), the key masked with a show toggle, and for RTMPS (or a WHIP
 * destination relayed through a {@code turns:} TURN server) a certificate fingerprint to pin or
 * "accept any certificate".
 *
 * <p>The URL's scheme says the protocol: {@code http(s)://} (a WHIP endpoint) and
 * {@code webrtc://host/app/stream} make a WHIP destination, whose secret is a bearer token (pasted
 * with or without {@code Bearer }; whether the prefix is sent is a box, for servers that want the
 * raw key), as OBS 30 asks for it.
 */
final class DestinationDialog {
  private DestinationDialog() {}

  /** @param existing null for a new destination */
  static Optional<Destination> edit(Window owner, Destination existing) {
    Dialog<Destination> dialog = new Dialog<>();
    dialog.initOwner(owner);
    dialog.setTitle(existing == null ? "Add destination" : "Edit destination");
    dialog.setHeaderText("Where to stream: the server URL and stream key from your platform's dashboard,\n"
        + "or a WHIP endpoint (http(s)://… or webrtc://host/app/stream) and its bearer token.");

    TextField name = new TextField(existing == null ? "" : existing.name());
    name.setPromptText("e.g. Twitch");
    name.setId("destination-name");
    TextField url = new TextField(existing == null ? "" : existing.serverUrl());
    url.setPromptText("rtmp(s)://live.example.com/app, or WHIP: https://…/whip/… or webrtc://host/app/stream");
    url.setId("destination-url");
    PasswordField key = new PasswordField();
    key.setId("destination-key");
    TextField keyShown = new TextField();
    keyShown.setId("destination-key-shown");
    keyShown.textProperty().bindBidirectional(key.textProperty());
    key.setText(existing == null ? "" : existing.streamKey());
    Label keyLabel = new Label();
    CheckBox bearerPrefix = new CheckBox("Send it as \"Bearer <token>\" (clear for servers that want the raw key)");
    bearerPrefix.setId("destination-bearer-prefix");
    bearerPrefix.setSelected(existing == null || !existing.rawToken());
    ToggleButton show = new ToggleButton(null, new FontIcon(Feather.EYE));
    show.setId("show-key");
    show.getStyleClass().add("flat");
    keyShown.visibleProperty().bind(show.selectedProperty());
    key.visibleProperty().bind(show.selectedProperty().not());
    show.selectedProperty().addListener((o, a, b) -> show.setGraphic(new FontIcon(b ? Feather.EYE_OFF : Feather.EYE)));
    StackPane keyBox = new StackPane(key, keyShown);

    TextField fingerprint = new TextField(existing == null || existing.tlsFingerprint() == null ? "" : existing.tlsFingerprint());
    fingerprint.setPromptText("SHA-256 of the rtmps:// server's or the turns: relay's certificate (optional)");
    fingerprint.setId("destination-fingerprint");
    CheckBox insecure = new CheckBox("Accept any certificate (insecure)");
    insecure.setId("destination-insecure");
    insecure.setSelected(existing != null && existing.insecureTls());
    // WHIP through a TURN relay (networks that block the server's UDP port): as the call window asks for it
    IceServersField iceServers = new IceServersField("destination-ice-servers",
        "WHIP: turn:user:pass@host:3478, ?transport=tcp, turns:user:pass@host:5349 (space-separated; optional)",
        existing == null ? List.of() : existing.iceServers());
    CheckBox enabled = new CheckBox("Enabled");
    enabled.setSelected(existing == null || existing.enabled());
    Label problem = new Label();
    problem.getStyleClass().add("destination-problem");
    problem.setId("destination-problem");

    // paste-friendly: a whole rtmp URL with the key at its end splits into server + key
    url.textProperty().addListener((o, a, b) -> {
      if (key.getText().isEmpty() && b != null && b.strip().matches("rtmps?://[^/]+/[^/]+/[^/]+")) {
        String s = b.strip();
        int cut = s.lastIndexOf('/');
        key.setText(s.substring(cut + 1));
        url.setText(s.substring(0, cut));
      }
    });
    // the pin is for whichever TLS peer the destination has: the RTMPS server, or a WHIP destination's turns: relay
    Runnable tlsShown = () -> {
      boolean tls = pinsCertificate(url.getText(), iceServers.urls());
      fingerprint.setDisable(!tls);
      insecure.setDisable(!tls);
    };
    url.textProperty().addListener((o, a, b) -> tlsShown.run());
    iceServers.textProperty().addListener((o, a, b) -> tlsShown.run());
    tlsShown.run();
    Runnable protocolShown = () -> {
      boolean whip = isWhip(url.getText());
      keyLabel.setText(whip ? "Bearer token" : "Stream key");
      bearerPrefix.setDisable(!whip);
      iceServers.setDisable(!whip);
    };
    url.textProperty().addListener((o, a, b) -> protocolShown.run());
    protocolShown.run();

    GridPane form = new GridPane();
    form.setHgap(10);
    form.setVgap(8);
    form.setPadding(new Insets(10));
    form.addRow(0, new Label("Name"), name);
    form.addRow(1, new Label("Server"), url);
    form.addRow(2, keyLabel, keyBox, show);
    form.add(bearerPrefix, 1, 3);
    form.addRow(4, new Label("Certificate"), fingerprint);
    form.add(insecure, 1, 5);
    form.addRow(6, new Label("ICE servers"), iceServers);
    form.add(enabled, 1, 7);
    form.add(problem, 0, 8, 3, 1);
    GridPane.setHgrow(url, Priority.ALWAYS);
    url.setPrefColumnCount(32);
    dialog.getDialogPane().setContent(form);
    dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);

    // keep the dialog open and say what is wrong rather than accept a destination that cannot work
    var ok = dialog.getDialogPane().lookupButton(ButtonType.OK);
    ok.addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
      String why = problem(url.getText(), key.getText(), fingerprint.getText(), iceServers.urls());
      problem.setText(why == null ? "" : why);
      if (why != null) e.consume();
    });
    dialog.setResultConverter(b -> {
      if (b != ButtonType.OK) return null;
      String id = existing == null ? null : existing.id();
      boolean whip = isWhip(url.getText());
      List<String> ice = whip ? iceServers.urls() : List.of();
      boolean tls = pinsCertificate(url.getText(), ice);
      return new Destination(id, name.getText().isBlank() ? hostOf(url.getText()) : name.getText(), url.getText(),
          key.getText(), enabled.isSelected(), tls ? fingerprint.getText() : null, tls && insecure.isSelected(),
          whip ? Destination.Protocol.WHIP : Destination.Protocol.RTMP, whip && !bearerPrefix.isSelected(),
          ice);
    });
    return dialog.showAndWait();
  }

  /** True when url names a WHIP destination (its scheme is http, https or webrtc). */
  static boolean isWhip(String url) {
    String u = url == null ? "" : url.strip().toLowerCase(Locale.ROOT);
    return u.startsWith("http://") || u.startsWith("https://") || u.startsWith("webrtc://");
  }

  /**
   * True when the certificate fields apply: an {@code rtmps://} server, or a WHIP destination with a
   * {@code turns:} relay (the pin trusts the relay's certificate; the WHIP endpoint's own {@code https://}
   * is checked against the system's trust, as browsers do).
   */
  static boolean pinsCertificate(String url, List<String> iceServers) {
    String u = url == null ? "" : url.strip();
    if (u.regionMatches(true, 0, "rtmps://", 0, 8)) return true;
    return isWhip(u) && iceServers.stream().anyMatch(s -> s.regionMatches(true, 0, "turns:", 0, 6));
  }

  /** Why the form cannot be saved, in words, or null; {@code iceServers} count for WHIP only. */
  static String problem(String url, String key, String fingerprint, List<String> iceServers) {
    String why = problem(url, key, fingerprint);
    if (why == null && isWhip(url)) {
      String ice = IceServerChecks.forWhip(iceServers);
      if (ice != null) return "ICE servers: " + ice;
      if (pinsCertificate(url, iceServers)) why = fingerprintProblem(fingerprint);
    }
    return why;
  }

  /** Why the form cannot be saved, in words, or null. */
  static String problem(String url, String key, String fingerprint) {
    String u = url == null ? "" : url.strip();
    if (u.isEmpty()) return "The server URL is missing.";
    if (isWhip(u)) return whipProblem(u, key);
    if (u.matches("(?i)[a-z][a-z0-9+.-]*:.*") && !u.matches("(?i)rtmps?:.*")) {
      return "The server URL must start with rtmp:// or rtmps:// (RTMP), or http://, https:// or webrtc:// (WHIP).";
    }
    if (!u.matches("rtmps?://[^/\\s]+(/\\S*)?")) return "The server URL must start with rtmp:// or rtmps:// and name a host.";
    if (key != null && key.strip().chars().anyMatch(Character::isWhitespace)) return "The stream key must not contain spaces.";
    return u.startsWith("rtmps://") ? fingerprintProblem(fingerprint) : null;
  }

  private static String fingerprintProblem(String fingerprint) {
    String f = fingerprint == null ? "" : fingerprint.strip().replace(":", "");
    if (!f.isEmpty() && !f.matches("(?i)[0-9a-f]{64}")) {
      return "The certificate fingerprint must be 64 hex digits (SHA-256), colons allowed.";
    }
    return null;
  }

  /** A WHIP endpoint or webrtc:// URL: a host, for webrtc:// an app and a stream; a token without spaces. */
  private static String whipProblem(String u, String key) {
    if (u.matches("(?i)[a-z]+://(/.*)?")) return "The WHIP URL names no host.";
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      return "The WHIP URL is not a URL: " + e.getReason() + ".";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) return "The WHIP URL names no host.";
    if (uri.getUserInfo() != null) return "The WHIP URL must not carry a user name: put the token in its field.";
    if (uri.getScheme().equalsIgnoreCase("webrtc")) {
      String[] parts = (uri.getRawPath() == null ? "" : uri.getRawPath()).replaceAll("^/+", "").split("/");
      if (parts.length < 2 || parts[0].isEmpty() || parts[parts.length - 1].isEmpty()) {
        return "A webrtc:// URL needs an app and a stream: webrtc://host[:port]/app/stream.";
      }
    }
    if (Destination.bareToken(key).chars().anyMatch(Character::isWhitespace)) {
      return "The bearer token must not contain spaces (a leading \"Bearer \" is fine).";
    }
    return null;
  }

  private static String hostOf(String url) {
    String s = url.strip().replaceFirst("^(?i)(rtmps?|https?|webrtc)://", "");
    int slash = s.indexOf('/');
    return slash < 0 ? s : s.substring(0, slash);
  }
}
