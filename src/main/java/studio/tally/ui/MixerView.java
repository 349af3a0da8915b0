package studio.tally.ui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
import studio.tally.config.SceneSource;
import studio.tally.config.StudioSettings;
import studio.tally.live.SourceStatus;
import studio.tally.live.StudioStatus;

/** The Audio mixer dock: per audio source a peak/RMS meter (dB), a gain slider and mute. */
final class MixerView {
  static final double MIN_GAIN_DB = -30;
  static final double MAX_GAIN_DB = 20;

  /** One row of the mixer; the controls stay while the source does, so a drag is not interrupted. */
  private final class Strip {
    final SceneSource source;
    final LevelMeter meter = new LevelMeter();
    final Slider gain = new Slider(MIN_GAIN_DB, MAX_GAIN_DB, 0);
    final Label gainText = new Label();
    final ToggleButton mute = new ToggleButton();
    final Label name;

    Strip(SceneSource s) {
      source = s;
      name = new Label(SourcesView.label(s), new FontIcon(SourcesView.icon(s.kind())));
      name.setMinWidth(150);
      name.setMaxWidth(180);
      meter.setId("meter-" + s.id());
      meter.setMinWidth(120);
      meter.setMaxHeight(Region.USE_PREF_SIZE);
      gain.setId("gain-" + s.id());
      gain.setValue(clampGain(s.gainDb()));
      gain.setPrefWidth(140);
      gain.setTooltip(new Tooltip("Gain"));
      gainText.setMinWidth(62);
      gainText.setText(dbText(s.gainDb()));
      gain.valueProperty().addListener((o, a, b) -> gainText.setText(dbText(b.doubleValue())));
      // apply when the drag ends (or on a click/key change), not at every pixel
      gain.valueChangingProperty().addListener((o, was, now) -> {
        if (!now) model.setGain(s.id(), round(gain.getValue()));
      });
      gain.valueProperty().addListener((o, a, b) -> {
        if (!gain.isValueChanging()) model.setGain(s.id(), round(b.doubleValue()));
      });
      mute.setId("mute-" + s.id());
      mute.setSelected(s.muted());
      mute.getStyleClass().addAll("flat", "button-icon");
      mute.setTooltip(new Tooltip("Mute"));
      mute.setGraphic(new FontIcon(s.muted() ? Feather.VOLUME_X : Feather.VOLUME_2));
      mute.setOnAction(e -> {
        mute.setGraphic(new FontIcon(mute.isSelected() ? Feather.VOLUME_X : Feather.VOLUME_2));
        model.setMuted(s.id(), mute.isSelected());
      });
    }
  }

  private final StudioModel model;
  private final VBox root = new VBox();
  private final GridPane grid = new GridPane();
  private final Label empty = new Label("No audio source: add a microphone, desktop audio or the test tone.");
  private Map<String, Strip> strips = new LinkedHashMap<>();

  MixerView(StudioModel model) {
    this.model = model;
    Label title = new Label("AUDIO MIXER");
    title.getStyleClass().add("dock-title");
    grid.setHgap(10);
    grid.setVgap(6);
    grid.setId("mixer");
    empty.getStyleClass().add("destination-state");
    root.getChildren().addAll(title, grid, empty);
    root.getStyleClass().add("dock");
    root.setMinHeight(Region.USE_PREF_SIZE);
    model.settingsProperty().addListener((o, a, s) -> rebuild(s));
    model.statusProperty().addListener((o, a, s) -> levels(s));
  }

  Region view() {
    return root;
  }

  private void rebuild(StudioSettings s) {
    if (s == null) return;
    List<SceneSource> audio = s.scene().stream().filter(x -> !x.kind().isVideo()).toList();
    boolean sameIds = audio.stream().map(SceneSource::id).toList().equals(List.copyOf(strips.keySet()));
    if (sameIds) return; // gain/mute edits come back as settings: the controls already show them
    Map<String, Strip> next = new LinkedHashMap<>();
    grid.getChildren().clear();
    int row = 0;
    for (SceneSource src : audio) {
      Strip st = strips.containsKey(src.id()) ? strips.get(src.id()) : new Strip(src);
      next.put(src.id(), st);
      grid.addRow(row++, st.name, st.meter, st.gainText, st.gain, st.mute);
      GridPane.setHgrow(st.meter, Priority.ALWAYS);
      GridPane.setFillWidth(st.meter, true);
      st.meter.setMaxWidth(Double.MAX_VALUE);
      GridPane.setValignment(st.meter, javafx.geometry.VPos.CENTER);
      st.name.setAlignment(Pos.CENTER_LEFT);
    }
    strips = next;
    empty.setVisible(audio.isEmpty());
    empty.setManaged(audio.isEmpty());
  }

  private void levels(StudioStatus s) {
    if (s == null) return;
    for (SourceStatus x : s.sources()) {
      Strip st = strips.get(x.source().id());
      if (st == null) continue;
      st.meter.rmsDbProperty().set(x.rmsDb());
      st.meter.peakDbProperty().set(x.peakDb());
    }
  }

  static String dbText(double db) {
    return String.format("%+.1f dB", db);
  }

  private static double round(double db) {
    return Math.round(db * 10) / 10.0;
  }

  private static double clampGain(double db) {
    return Math.max(MIN_GAIN_DB, Math.min(MAX_GAIN_DB, db));
  }
}
