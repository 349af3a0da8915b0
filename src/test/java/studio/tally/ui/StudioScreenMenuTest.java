package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.ui.StudioWindowFixture.fx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import studio.tally.testing.XvfbDisplay;

/**
 * Screens come and go while the studio runs: an X display started after the + menu was first filled
 * is in its Screen list the next time the menu opens, and gone once it ended.
 */
@ExtendWith(FxThemed.class)
class StudioScreenMenuTest {
  private final FxRobot robot = new FxRobot();
  private StudioWindowFixture studio;

  @AfterEach
  void closeWindow() throws Exception {
    if (studio != null) studio.close();
  }

  @Test
  void aScreenStartedWhileTheStudioRunsIsListedAndGoneWhenItEnds(@TempDir Path profile, @TempDir Path recordings)
      throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    robot.clickOn("#add-source");
    await().atMost(Duration.ofSeconds(60)).until(() -> robot.lookup("#add-test-pattern").tryQuery().isPresent());
    robot.type(KeyCode.ESCAPE);
    String id;
    try (var xvfb = XvfbDisplay.start(320, 240)) {
      id = xvfb.display() + ".0";
      assertThat(screenItems()).as("not there before it started").noneMatch(t -> t.contains(id));
      long opened = System.nanoTime();
      robot.clickOn("#add-source");
      await().atMost(Duration.ofSeconds(2)).until(() -> screenItems().stream().anyMatch(t -> t.contains(id)));
      System.out.printf("screen %s listed %.0f ms after the menu opened: %s%n", id, (System.nanoTime() - opened) / 1e6,
          screenItems());
      robot.type(KeyCode.ESCAPE);
    }
    robot.clickOn("#add-source");
    await().atMost(Duration.ofSeconds(2)).until(() -> screenItems().stream().noneMatch(t -> t.contains(id)));
    robot.type(KeyCode.ESCAPE);
  }

  /** The texts of the + menu's Screen submenu, read on the FX thread. */
  private List<String> screenItems() throws Exception {
    return fx(() -> {
      MenuButton add = robot.lookup("#add-source").queryAs(MenuButton.class);
      return add.getItems().stream().filter(i -> "add-screen".equals(i.getId())).findFirst()
          .map(m -> ((Menu) m).getItems().stream().map(MenuItem::getText).toList()).orElse(List.of());
    });
  }
}
