package studio.tally.ui;

import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The newest notice (error, warning, info) as a line over the studio, until dismissed. */
final class NoticeBar {
  private final HBox root = new HBox(8);
  private final Label text = new Label();

  NoticeBar(StudioModel model) {
    text.setId("notice");
    text.setMaxWidth(Double.MAX_VALUE);
    text.setWrapText(true);
    HBox.setHgrow(text, Priority.ALWAYS);
    Button close = new Button(null, new FontIcon(Feather.X));
    close.setId("dismiss-notice");
    close.getStyleClass().addAll("flat", "button-icon");
    close.setOnAction(e -> {
      var list = model.notices();
      if (!list.isEmpty()) model.dismiss(list.get(list.size() - 1));
    });
    root.setAlignment(Pos.CENTER_LEFT);
    root.getChildren().addAll(text, close);
    model.notices().addListener((ListChangeListener<StudioModel.Notice>) c -> show(model));
    show(model);
  }

  Region view() {
    return root;
  }

  private void show(StudioModel model) {
    var list = model.notices();
    boolean any = !list.isEmpty();
    root.setVisible(any);
    root.setManaged(any);
    if (!any) return;
    StudioModel.Notice n = list.get(list.size() - 1);
    text.setText(n.message());
    text.setGraphic(new FontIcon(switch (n.severity()) {
      case ERROR -> Feather.ALERT_OCTAGON;
      case WARNING -> Feather.ALERT_TRIANGLE;
      case INFO -> Feather.INFO;
    }));
    root.getStyleClass().setAll("notice", n.severity().name().toLowerCase());
  }
}
