package studio.tally.ui;

import java.util.function.BiConsumer;
import javafx.geometry.Rectangle2D;
import javafx.scene.Cursor;
import javafx.scene.control.Label;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;
import studio.tally.config.Placement;

/**
 * The centre of the window: the preview picture letterboxed to the output's aspect ratio, and on top
 * of it the frame of the picture-in-picture source, which can be dragged (move) or pulled at its
 * bottom-right corner (resize). A finished gesture reports the new {@link Placement}; the picture
 * itself only changes when the engine composes it.
 */
final class PreviewPane extends Region {
  private static final double HANDLE = 12;
  private static final double MIN_FRACTION = 0.05;

  private final PreviewSurface surface;
  private final Pane overlay = new Pane();
  private final Rectangle frame = new Rectangle();
  private final Rectangle handle = new Rectangle(HANDLE, HANDLE);
  private final Label placeholder = new Label("Starting preview…");
  private double aspect = 16.0 / 9.0;
  private String sourceId;
  private Placement placement;
  private BiConsumer<String, Placement> onPlaced = (id, p) -> {};
  // gesture state
  private double pressX, pressY;
  private Placement pressPlacement;
  private boolean resizing;

  PreviewPane(PreviewSurface surface) {
    this.surface = surface;
    getStyleClass().add("preview-pane");
    frame.getStyleClass().add("pip-frame");
    handle.getStyleClass().add("pip-handle");
    placeholder.getStyleClass().add("preview-placeholder");
    overlay.setPickOnBounds(false);
    overlay.getChildren().addAll(frame, handle);
    frame.setVisible(false);
    handle.setVisible(false);
    frame.setCursor(Cursor.MOVE);
    handle.setCursor(Cursor.SE_RESIZE);
    getChildren().addAll(surface.view(), placeholder, overlay);
    surface.framesShownProperty().addListener((o, a, b) -> placeholder.setVisible(false));
    frame.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> press(e, false));
    handle.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> press(e, true));
    for (var n : new javafx.scene.Node[] {frame, handle}) {
      n.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::drag);
      n.addEventHandler(MouseEvent.MOUSE_RELEASED, this::release);
    }
    setMinSize(160, 90);
  }

  /** Output width / height, so the letterbox matches what is encoded. */
  void setAspect(double aspect) {
    if (aspect > 0 && aspect != this.aspect) {
      this.aspect = aspect;
      requestLayout();
    }
  }

  /** Shows the draggable frame of {@code id} at {@code p}; null hides it. Ignored mid-gesture. */
  void showPlacement(String id, Placement p) {
    if (pressPlacement != null) return;
    sourceId = id;
    placement = p;
    requestLayout();
  }

  void setOnPlaced(BiConsumer<String, Placement> onPlaced) {
    this.onPlaced = onPlaced;
  }

  /** Where the picture is drawn, in this pane's coordinates. */
  Rectangle2D pictureBounds() {
    double w = getWidth() - snappedLeftInset() - snappedRightInset();
    double h = getHeight() - snappedTopInset() - snappedBottomInset();
    double pw = Math.min(w, h * aspect);
    double ph = pw / aspect;
    return new Rectangle2D(snappedLeftInset() + (w - pw) / 2, snappedTopInset() + (h - ph) / 2, pw, ph);
  }

  @Override
  protected void layoutChildren() {
    Rectangle2D pic = pictureBounds();
    var view = surface.view();
    view.setFitWidth(pic.getWidth());
    view.setFitHeight(pic.getHeight());
    view.relocate(pic.getMinX(), pic.getMinY());
    placeholder.autosize();
    placeholder.relocate(pic.getMinX() + (pic.getWidth() - placeholder.getWidth()) / 2,
        pic.getMinY() + (pic.getHeight() - placeholder.getHeight()) / 2);
    overlay.resizeRelocate(0, 0, getWidth(), getHeight());
    boolean show = placement != null && sourceId != null;
    frame.setVisible(show);
    handle.setVisible(show);
    if (show) {
      double x = pic.getMinX() + placement.x() * pic.getWidth();
      double y = pic.getMinY() + placement.y() * pic.getHeight();
      double fw = placement.width() * pic.getWidth();
      double fh = placement.height() * pic.getHeight();
      frame.setX(x);
      frame.setY(y);
      frame.setWidth(fw);
      frame.setHeight(fh);
      handle.setX(x + fw - HANDLE / 2);
      handle.setY(y + fh - HANDLE / 2);
    }
  }

  private void press(MouseEvent e, boolean resize) {
    if (placement == null) return;
    pressX = e.getX();
    pressY = e.getY();
    pressPlacement = placement;
    resizing = resize;
    e.consume();
  }

  private void drag(MouseEvent e) {
    if (pressPlacement == null) return;
    Rectangle2D pic = pictureBounds();
    double dx = (e.getX() - pressX) / pic.getWidth();
    double dy = (e.getY() - pressY) / pic.getHeight();
    placement = resizing ? resized(pressPlacement, dx, dy) : moved(pressPlacement, dx, dy);
    requestLayout();
    e.consume();
  }

  private void release(MouseEvent e) {
    if (pressPlacement == null) return;
    boolean changed = !placement.equals(pressPlacement);
    pressPlacement = null;
    if (changed) onPlaced.accept(sourceId, placement);
    e.consume();
  }

  /** Moved by a fraction of the picture, kept inside it. */
  static Placement moved(Placement p, double dx, double dy) {
    double x = clamp(p.x() + dx, 0, 1 - p.width());
    double y = clamp(p.y() + dy, 0, 1 - p.height());
    return new Placement(Math.min(x, 0.999), Math.min(y, 0.999), p.width(), p.height());
  }

  /** Bottom-right corner pulled by a fraction of the picture; keeps the aspect ratio of the frame. */
  static Placement resized(Placement p, double dx, double dy) {
    double ratio = p.height() / p.width();
    double w = p.width() + Math.max(dx, dy / ratio);
    w = clamp(w, MIN_FRACTION, Math.min(1 - p.x(), (1 - p.y()) / ratio));
    return new Placement(p.x(), p.y(), w, Math.min(1, w * ratio));
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
