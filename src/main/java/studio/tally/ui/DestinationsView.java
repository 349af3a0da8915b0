package studio.tally.ui;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.config.Destination;
import studio.tally.live.DestinationStatus;
import studio.tally.live.StudioStatus;

/**
 * The Destinations dock: each RTMP/RTMPS or WHIP destination with an enable box, its state line
 * (connecting, live with bitrate and round trip, reconnecting with the reason), edit and remove.
 */
final class DestinationsView {
  private final StudioModel model;
  private final Window owner;
  private final VBox root = new VBox();
  private final ListView<Destination> list = new ListView<>();
  private Map<String, DestinationStatus> statusById = Map.of();
  // the state line of each shown row: live figures change it in place, so the rows (and a click on
  // one of their buttons) are not rebuilt four times a second
  private final Map<String, Label> stateLines = new java.util.HashMap<>();

  DestinationsView(StudioModel model, Window owner) {
    this.model = model;
    this.owner = owner;
    Label title = new Label("DESTINATIONS");
    title.getStyleClass().add("dock-title");
    Button add = new Button(null, new FontIcon(Feather.PLUS));
    add.setId("add-destination");
    add.getStyleClass().add("flat");
    add.setTooltip(new Tooltip("Add a destination (server URL + stream key)"));
    add.setOnAction(e -> DestinationDialog.edit(owner, null).ifPresent(model::putDestination));
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox header = new HBox(4, title, spacer, add);
    header.setAlignment(Pos.CENTER_LEFT);
    list.setId("destinations");
    list.setPlaceholder(new Label("No destination: add one to go live"));
    list.setCellFactory(v -> new DestinationCell());
    VBox.setVgrow(list, Priority.ALWAYS);
    root.getChildren().addAll(header, list);
    root.getStyleClass().add("dock");

    model.settingsProperty().addListener((o, a, s) -> {
      if (s != null && !s.destinations().equals(list.getItems())) list.getItems().setAll(s.destinations());
    });
    model.statusProperty().addListener((o, a, s) -> {
      Map<String, DestinationStatus> next = byId(s);
      boolean changed = !states(next).equals(states(statusById));
      statusById = next;
      if (changed) {
        list.refresh();
      } else {
        next.forEach((id, st) -> {
          Label l = stateLines.get(id);
          if (l != null) l.setText(st.describe());
        });
      }
    });
  }

  Region view() {
    return root;
  }

  private static Map<String, DestinationStatus> byId(StudioStatus s) {
    if (s == null) return Map.of();
    return s.destinations().stream().collect(Collectors.toMap(DestinationStatus::id, Function.identity(), (x, y) -> y));
  }

  /** What changes a row's look (state and reason), not the figures of a live one or a reconnect's countdown. */
  private static Map<String, String> states(Map<String, DestinationStatus> m) {
    return m.values().stream().collect(Collectors.toMap(DestinationStatus::id, st -> st.state() + " " + st.reason()));
  }

  private final class DestinationCell extends ListCell<Destination> {
    @Override
    protected void updateItem(Destination d, boolean empty) {
      super.updateItem(d, empty);
      setText(null);
      if (empty || d == null) {
        setGraphic(null);
        return;
      }
      CheckBox enabled = new CheckBox(d.name());
      enabled.setId("enable-" + d.id());
      enabled.setSelected(d.enabled());
      enabled.setOnAction(e -> model.setDestinationEnabled(d.id(), enabled.isSelected()));
      enabled.setMaxWidth(Double.MAX_VALUE);
      HBox.setHgrow(enabled, Priority.ALWAYS);
      Button edit = new Button(null, new FontIcon(Feather.EDIT_2));
      edit.setId("edit-" + d.id());
      edit.getStyleClass().addAll("flat", "button-icon");
      edit.setTooltip(new Tooltip("Edit"));
      edit.setOnAction(e -> DestinationDialog.edit(owner, d).ifPresent(model::putDestination));
      Button remove = new Button(null, new FontIcon(Feather.TRASH_2));
      remove.setId("remove-" + d.id());
      remove.getStyleClass().addAll("flat", "button-icon");
      remove.setTooltip(new Tooltip("Remove"));
      remove.setOnAction(e -> model.removeDestination(d.id()));
      HBox top = new HBox(2, enabled, edit, remove);
      top.setAlignment(Pos.CENTER_LEFT);

      Label url = new Label(d.webRtc()
          ? "WHIP " + d.serverUrl() + (d.streamKey().isEmpty() ? "" : "  ·  token " + d.maskedKey())
          : d.serverUrl() + "  ·  key " + d.maskedKey());
      url.setId("url-" + d.id());
      url.setMaxWidth(250); // a long WHIP URL ends in "…" rather than widening the dock
      url.getStyleClass().add("destination-state");
      DestinationStatus st = statusById.get(d.id());
      Label state = new Label(st == null ? (d.enabled() ? "ready" : "disabled") : st.describe());
      state.setId("state-" + d.id());
      stateLines.put(d.id(), state);
      state.setWrapText(true);
      state.setMaxWidth(250);
      state.getStyleClass().add(st != null && st.state() == DestinationStatus.State.FAILED ? "destination-problem" : "destination-state");
      if (st != null && st.state() == DestinationStatus.State.LIVE) state.getStyleClass().add("live");
      setGraphic(new VBox(2, top, url, state));
    }
  }
}
