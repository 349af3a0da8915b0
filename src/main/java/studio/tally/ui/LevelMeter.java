package studio.tally.ui;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;

/**
 * A horizontal audio meter on a dB scale ({@link #MIN_DB}..0 dBFS): a bar for RMS, a thin marker
 * for the peak, and tick marks every 10 dB. Colours come from the stylesheet (green, then yellow
 * above -20 dB, red above -9 dB, like OBS).
 */
final class LevelMeter extends Region {
  static final double MIN_DB = -60;
  private final DoubleProperty rmsDb = new SimpleDoubleProperty(this, "rmsDb", MIN_DB);
  private final DoubleProperty peakDb = new SimpleDoubleProperty(this, "peakDb", MIN_DB);
  private final Rectangle track = new Rectangle();
  private final Rectangle rms = new Rectangle();
  private final Rectangle peak = new Rectangle();

  LevelMeter() {
    getStyleClass().add("level-meter");
    track.getStyleClass().add("level-track");
    rms.getStyleClass().add("level-rms");
    peak.getStyleClass().add("level-peak");
    getChildren().addAll(track, rms, peak);
    for (int db = -50; db < 0; db += 10) {
      Rectangle tick = new Rectangle();
      tick.getStyleClass().add("level-tick");
      tick.setUserData(db);
      getChildren().add(tick);
    }
    rmsDb.addListener((o, a, b) -> requestLayout());
    peakDb.addListener((o, a, b) -> requestLayout());
    setMinHeight(8);
    setPrefHeight(10);
  }

  DoubleProperty rmsDbProperty() {
    return rmsDb;
  }

  DoubleProperty peakDbProperty() {
    return peakDb;
  }

  /** 0..1 along the meter for a dB value. */
  static double fraction(double db) {
    if (!(db > MIN_DB)) return 0;
    return Math.min(1, (db - MIN_DB) / -MIN_DB);
  }

  @Override
  protected void layoutChildren() {
    double w = getWidth() - snappedLeftInset() - snappedRightInset();
    double h = getHeight() - snappedTopInset() - snappedBottomInset();
    double x0 = snappedLeftInset();
    double y0 = snappedTopInset();
    track.setX(x0);
    track.setY(y0);
    track.setWidth(w);
    track.setHeight(h);
    double level = rmsDb.get();
    rms.setX(x0);
    rms.setY(y0);
    rms.setWidth(w * fraction(level));
    rms.setHeight(h);
    rms.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("hot"), level > -9);
    rms.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("warm"), level > -20 && level <= -9);
    double p = fraction(peakDb.get());
    peak.setVisible(p > 0);
    peak.setX(x0 + Math.max(0, w * p - 2));
    peak.setY(y0);
    peak.setWidth(2);
    peak.setHeight(h);
    for (var n : getChildren()) {
      if (n instanceof Rectangle r && r.getUserData() instanceof Integer db) {
        r.setX(x0 + w * fraction(db));
        r.setY(y0 + h - 3);
        r.setWidth(1);
        r.setHeight(3);
      }
    }
  }
}
