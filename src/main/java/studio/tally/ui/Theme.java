package studio.tally.ui;

import atlantafx.base.theme.PrimerDark;
import javafx.application.Application;
import javafx.scene.Scene;

/** AtlantaFX's Primer Dark plus the studio's own looked-up colours (studio.css). */
final class Theme {
  private Theme() {}

  /** Once, on the FX thread, before the first window. */
  static void install() {
    Application.setUserAgentStylesheet(new PrimerDark().getUserAgentStylesheet());
  }

  static void style(Scene scene) {
    scene.getStylesheets().add(Theme.class.getResource("studio.css").toExternalForm());
  }
}
