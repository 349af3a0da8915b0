package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.IntBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.image.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The preview's PixelBuffer path on a real (headless Monocle) FX thread. */
class PreviewSurfaceTest {

  @BeforeAll
  static void fx() throws Exception {
    FxToolkit.registerPrimaryStage();
  }

  private static IntBuffer frame(int w, int h, int argb) {
    IntBuffer b = IntBuffer.allocate(w * h);
    for (int i = 0; i < w * h; i++) b.put(i, argb);
    return b;
  }

  private static int pixel(PreviewSurface s, int x, int y) throws Exception {
    return WaitForAsyncUtils.asyncFx(() -> {
      Image img = s.view().getImage();
      return img.getPixelReader().getArgb(x, y);
    }).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aFrameFromAnotherThreadReachesTheImage() throws Exception {
    PreviewSurface s = new PreviewSurface(Platform::runLater);
    Thread t = Thread.ofPlatform().name("fake-preview").start(() -> s.offer(64, 36, frame(64, 36, 0xFF2080C0)));
    t.join();
    await().atMost(Duration.ofSeconds(5)).until(() -> s.framesShownProperty().get() == 1);
    assertThat(pixel(s, 10, 10)).isEqualTo(0xFF2080C0);
    assertThat(WaitForAsyncUtils.asyncFx(() -> s.view().getImage().getWidth()).get()).isEqualTo(64.0);
  }

  @Test
  void whileTheFxThreadIsBusyFramesAreDroppedNotQueued() throws Exception {
    PreviewSurface s = new PreviewSurface(Platform::runLater);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    Platform.runLater(() -> {
      blocked.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
    s.offer(32, 18, frame(32, 18, 0xFF112233)); // taken: swap pending
    for (int i = 0; i < 5; i++) s.offer(32, 18, frame(32, 18, 0xFFFFFFFF)); // dropped
    assertThat(s.framesDropped()).isEqualTo(5);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> s.framesShownProperty().get() == 1);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(s.framesShownProperty().get()).isEqualTo(1);
    assertThat(pixel(s, 5, 5)).isEqualTo(0xFF112233);
    // the next frame goes into the other buffer and is shown
    s.offer(32, 18, frame(32, 18, 0xFF445566));
    await().atMost(Duration.ofSeconds(5)).until(() -> s.framesShownProperty().get() == 2);
    assertThat(pixel(s, 5, 5)).isEqualTo(0xFF445566);
  }

  @Test
  void aNewSizeMakesNewBuffersAndBadFramesAreIgnored() throws Exception {
    PreviewSurface s = new PreviewSurface(Platform::runLater);
    s.offer(16, 16, frame(16, 16, 0xFF000000));
    await().atMost(Duration.ofSeconds(5)).until(() -> s.framesShownProperty().get() == 1);
    s.offer(0, 10, frame(1, 1, 0));          // no size
    s.offer(20, 20, IntBuffer.allocate(10)); // too few pixels
    s.offer(40, 30, frame(40, 30, 0xFFABCDEF));
    await().atMost(Duration.ofSeconds(5)).until(() -> s.framesShownProperty().get() == 2);
    assertThat(WaitForAsyncUtils.asyncFx(() -> s.view().getImage().getWidth()).get()).isEqualTo(40.0);
    assertThat(pixel(s, 39, 29)).isEqualTo(0xFFABCDEF);
  }
}
