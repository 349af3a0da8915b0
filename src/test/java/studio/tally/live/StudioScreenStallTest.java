package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.XvfbDisplay;

/**
 * The studio with a screen from an Xvfb this test starts: when the X server freezes (SIGSTOP, what a
 * hung display looks like to x11grab) the screen source says "stalled" in its status and as a notice
 * within 3 s while the scene goes on with its last picture, and "capturing again" once it resumes;
 * when the display goes away the source says "disconnected" (black meanwhile) and it is captured again
 * when a display comes back on the same number.
 */
@ExtendWith(PeerReaper.class)
class StudioScreenStallTest {

  @Test
  void aFrozenScreenIsReportedAndResumes() throws Exception {
    Path dir = PeerFiles.newDir("studio-screen-stall");
    try (var xvfb = XvfbDisplay.start(640, 360); var fx = new StudioFixture()) {
      var scene = List.of(SceneSource.video(SceneSource.Kind.SCREEN, xvfb.deviceId(), Placement.FULL));
      String screenId = scene.getFirst().id();
      try (var studio = Studio.open(fx.settings(dir).withScene(scene), null, fx.eventThread)) {
        studio.addListener(fx.events::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> source(studio, screenId).problem() == null);

        long frozenAt = System.nanoTime();
        xvfb.freeze(true);
        try {
          await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
              .until(() -> source(studio, screenId).problem() != null);
          double after = (System.nanoTime() - frozenAt) / 1e9;
          System.out.printf("frozen screen in the studio said after %.2f s: %s%n", after,
              source(studio, screenId).problem());
          assertThat(after).as("said within 3 s").isLessThan(3.0);
          assertThat(source(studio, screenId).problem()).startsWith("stalled: no picture for");
          await().atMost(Duration.ofSeconds(3)).until(() -> fx.notices().stream()
              .anyMatch(n -> n.contains("stalled") && n.endsWith("its last picture stays meanwhile")));
        } finally {
          xvfb.freeze(false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> source(studio, screenId).problem() == null);
        await().atMost(Duration.ofSeconds(3)).until(() -> fx.notices().stream().anyMatch(n -> n.endsWith("capturing again")));

        // the display goes away (unplugged) and comes back on the same number
        xvfb.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(source(studio, screenId).problem())
            .startsWith("disconnected").contains("x11grab"));
        await().atMost(Duration.ofSeconds(3)).until(() -> fx.notices().stream()
            .anyMatch(n -> n.contains("disconnected") && n.endsWith("black meanwhile")));
        try (var back = XvfbDisplay.startOn(xvfb.number(), 640, 360)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> source(studio, screenId).problem() == null);
          await().atMost(Duration.ofSeconds(3)).until(() -> fx.notices().stream()
              .filter(n -> n.endsWith("capturing again")).count() == 2);
        }
        System.out.println("notices: " + fx.notices());
      }
    }
  }

  private static SourceStatus source(Studio studio, String id) {
    return studio.status().sources().stream().filter(s -> s.source().id().equals(id)).findFirst().orElseThrow();
  }
}
