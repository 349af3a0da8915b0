package studio.tally.ui;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.SceneSource.Kind;
import studio.tally.live.AvailableDevice;
import studio.tally.live.SourceStatus;
import studio.tally.live.StudioStatus;

/** The Sources dock: what the scene holds, add (from this machine's devices) and remove; a failed source says why. */
final class SourcesView {
  private final StudioModel model;
  private final VBox root = new VBox();
  private final ListView<SceneSource> list = new ListView<>();
  private final MenuButton add = new MenuButton(null, new FontIcon(Feather.PLUS));
  private final ReadOnlyStringWrapper selectedVideo = new ReadOnlyStringWrapper(this, "selectedVideoSource");
  private Map<String, SourceStatus> statusById = Map.of();
  private boolean menuFilled;

  SourcesView(StudioModel model) {
    this.model = model;
    createView();
    initListeners();
  }

  Region view() {
    return root;
  }

  /** The id of the selected video source, or null. */
  ReadOnlyStringProperty selectedVideoSource() {
    return selectedVideo.getReadOnlyProperty();
  }

  private void createView() {
    Label title = new Label("SOURCES");
    title.getStyleClass().add("dock-title");
    add.setId("add-source");
    add.setTooltip(new Tooltip("Add a source"));
    add.getStyleClass().addAll("flat", "no-arrow" /* AtlantaFX Tweaks.NO_ARROW */);
    add.setOnShowing(e -> {
      if (!menuFilled) fillAddMenu();
      else refreshDeviceMenus();
    });
    add.getItems().add(new MenuItem("Looking for devices…"));
    Button remove = new Button(null, new FontIcon(Feather.TRASH_2));
    remove.setId("remove-source");
    remove.setTooltip(new Tooltip("Remove the selected source"));
    remove.getStyleClass().add("flat");
    remove.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
    remove.setOnAction(e -> {
      SceneSource s = list.getSelectionModel().getSelectedItem();
      if (s != null) model.removeSource(s.id());
    });
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox header = new HBox(4, title, spacer, add, remove);
    header.setAlignment(Pos.CENTER_LEFT);

    list.setId("sources");
    list.setPlaceholder(new Label("No sources yet"));
    list.setCellFactory(v -> new SourceCell());
    VBox.setVgrow(list, Priority.ALWAYS);
    root.getChildren().addAll(header, list);
    root.getStyleClass().add("dock");
  }

  private void initListeners() {
    model.settingsProperty().addListener((o, a, s) -> {
      if (s == null) return;
      String selected = list.getSelectionModel().getSelectedItem() == null ? null
          : list.getSelectionModel().getSelectedItem().id();
      // top of the scene first, like OBS
      List<SceneSource> items = new java.util.ArrayList<>(s.scene());
      java.util.Collections.reverse(items);
      if (!items.equals(list.getItems())) list.getItems().setAll(items);
      if (selected != null) {
        items.stream().filter(i -> i.id().equals(selected)).findFirst().ifPresent(i -> list.getSelectionModel().select(i));
      }
    });
    model.statusProperty().addListener((o, a, s) -> {
      Map<String, SourceStatus> next = byId(s);
      if (!problems(next).equals(problems(statusById))) {
        statusById = next;
        list.refresh();
      }
      statusById = next;
    });
    // probe the devices as soon as the studio is up, so the + menu is ready when it is opened
    model.phaseProperty().addListener((o, a, p) -> {
      if (p == StudioModel.Phase.READY) fillAddMenu();
    });
    list.getSelectionModel().selectedItemProperty().addListener((o, a, s) ->
        selectedVideo.set(s != null && s.kind().isVideo() ? s.id() : null));
  }

  private static Map<String, SourceStatus> byId(StudioStatus s) {
    if (s == null) return Map.of();
    return s.sources().stream().collect(Collectors.toMap(x -> x.source().id(), Function.identity(), (x, y) -> y));
  }

  private static Map<String, String> problems(Map<String, SourceStatus> m) {
    return m.values().stream().filter(x -> x.problem() != null)
        .collect(Collectors.toMap(x -> x.source().id(), SourceStatus::problem, (x, y) -> y));
  }

  private void fillAddMenu() {
    model.devices().thenAccept(devices -> {
      if (menuFilled) return;
      menuFilled = true;
      add.getItems().setAll(
          deviceMenu("Screen", Feather.MONITOR, Kind.SCREEN, devices),
          regionItem(devices),
          deviceMenu("Camera", Feather.CAMERA, Kind.CAMERA, devices),
          deviceMenu("Microphone", Feather.MIC, Kind.MIC, devices),
          deviceMenu("Desktop audio", Feather.VOLUME_2, Kind.DESKTOP_AUDIO, devices),
          simpleItem("Test pattern", Feather.GRID, Kind.TEST_PATTERN),
          simpleItem("Test tone", Feather.MUSIC, Kind.TONE));
    });
  }

  /**
   * Screens (a display started or ended), microphones and desktop audio (USB, Bluetooth) come and go:
   * listed afresh each time the menu opens.
   */
  private void refreshDeviceMenus() {
    model.screens().thenAccept(screens -> {
      for (int i = 0; i < add.getItems().size(); i++) {
        String id = add.getItems().get(i).getId();
        if (("add-" + Kind.SCREEN.wireName()).equals(id)) add.getItems().set(i, deviceMenu("Screen", Feather.MONITOR, Kind.SCREEN, screens));
        if ("add-region".equals(id)) add.getItems().set(i, regionItem(screens));
      }
    });
    model.audioDevices().thenAccept(devices -> {
      for (int i = 0; i < add.getItems().size(); i++) {
        String id = add.getItems().get(i).getId();
        if (("add-" + Kind.MIC.wireName()).equals(id)) add.getItems().set(i, deviceMenu("Microphone", Feather.MIC, Kind.MIC, devices));
        if (("add-" + Kind.DESKTOP_AUDIO.wireName()).equals(id)) {
          add.getItems().set(i, deviceMenu("Desktop audio", Feather.VOLUME_2, Kind.DESKTOP_AUDIO, devices));
        }
      }
    });
  }

  private MenuItem simpleItem(String text, Feather icon, Kind kind) {
    MenuItem item = new MenuItem(text, new FontIcon(icon));
    item.setId("add-" + kind.wireName());
    item.setOnAction(e -> model.addSource(newSource(kind, null, null)));
    return item;
  }

  private MenuItem deviceMenu(String text, Feather icon, Kind kind, List<AvailableDevice> devices) {
    List<AvailableDevice> mine = devices.stream().filter(d -> d.kind() == kind).toList();
    Menu menu = new Menu(text, new FontIcon(icon));
    menu.setId("add-" + kind.wireName());
    if (mine.isEmpty()) {
      MenuItem none = new MenuItem("none found on this machine");
      none.setDisable(true);
      menu.getItems().add(none);
    }
    for (AvailableDevice d : mine) {
      MenuItem item = new MenuItem(d.openable() ? d.description() : d.description() + " — " + d.reason());
      item.setDisable(!d.openable());
      item.setOnAction(e -> model.addSource(newSource(kind, d.deviceId(), null)));
      menu.getItems().add(item);
    }
    return menu;
  }

  private MenuItem regionItem(List<AvailableDevice> devices) {
    MenuItem item = new MenuItem("Screen region…", new FontIcon(Feather.CROP));
    item.setId("add-region");
    AvailableDevice screen = devices.stream().filter(d -> d.kind() == Kind.SCREEN && d.openable()).findFirst().orElse(null);
    item.setDisable(screen == null);
    item.setOnAction(e -> {
      TextInputDialog ask = new TextInputDialog("0,0,1280x720");
      ask.setTitle("Screen region");
      ask.setHeaderText("Which part of " + screen.description() + "?");
      ask.setContentText("x,y,WIDTHxHEIGHT");
      ask.initOwner(root.getScene().getWindow());
      ask.showAndWait().map(String::strip).ifPresent(r -> {
        if (!r.matches("\\d+,\\d+,\\d+x\\d+")) {
          model.report("The region '" + r + "' is not x,y,WIDTHxHEIGHT (e.g. 0,0,1280x720).");
          return;
        }
        model.addSource(newSource(Kind.SCREEN, screen.deviceId(), r));
      });
    });
    return item;
  }

  /** A camera goes in as picture-in-picture (it would hide the screen otherwise); other video fills the frame. */
  static SceneSource newSource(Kind kind, String deviceId, String region) {
    Placement p = kind == Kind.CAMERA ? Placement.PIP : Placement.FULL;
    return new SceneSource(null, kind, deviceId, region, kind.isVideo() ? p : null, 0, false);
  }

  static String label(SceneSource s) {
    String kind = switch (s.kind()) {
      case SCREEN -> s.region() == null ? "Screen" : "Screen region " + s.region();
      case CAMERA -> "Camera";
      case MIC -> "Microphone";
      case DESKTOP_AUDIO -> "Desktop audio";
      case TEST_PATTERN -> "Test pattern";
      case TONE -> "Test tone";
    };
    return s.deviceId() == null ? kind : kind + " (" + s.deviceId() + ")";
  }

  static Feather icon(Kind k) {
    return switch (k) {
      case SCREEN -> Feather.MONITOR;
      case CAMERA -> Feather.CAMERA;
      case MIC -> Feather.MIC;
      case DESKTOP_AUDIO -> Feather.VOLUME_2;
      case TEST_PATTERN -> Feather.GRID;
      case TONE -> Feather.MUSIC;
    };
  }

  private final class SourceCell extends ListCell<SceneSource> {
    @Override
    protected void updateItem(SceneSource s, boolean empty) {
      super.updateItem(s, empty);
      if (empty || s == null) {
        setGraphic(null);
        setText(null);
        return;
      }
      Label name = new Label(label(s), new FontIcon(icon(s.kind())));
      name.setMaxWidth(Double.MAX_VALUE);
      VBox box = new VBox(2, name);
      SourceStatus st = statusById.get(s.id());
      if (st != null && st.problem() != null) {
        Label why = new Label(st.problem());
        why.getStyleClass().add("source-problem");
        why.setId("source-problem-" + s.id());
        why.setMaxWidth(220);
        box.getChildren().add(why);
      }
      setText(null);
      setGraphic(box);
      setAccessibleText(Objects.toString(label(s)));
    }
  }
}
