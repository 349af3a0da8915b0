package studio.tally.ui;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The studio's window tests: TestFX's primary stage on headless Monocle, with the studio's theme installed. */
final class FxThemed implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    FxToolkit.registerPrimaryStage();
    WaitForAsyncUtils.asyncFx(Theme::install).get();
  }
}
