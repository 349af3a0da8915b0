package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.ui.StudioWindowFixture.fx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import studio.tally.live.Call;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * The studio's Call window on headless Monocle, in a call with a real {@code tally call} process through
 * the studio's embedded server: the window shows the peer's pictures and says it is in the call, the
 * peer decodes our test pattern (its time codes), and when we hang up the peer sees us leave.
 * libwebrtc gathers no loopback candidates: both sides reach the server's 127.0.0.1 candidate from
 * the machine's other interface, as two users on one machine do.
 */
@ExtendWith(PeerReaper.class)
@ExtendWith(FxThemed.class)
class CallWindowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FxRobot robot = new FxRobot();
  private StudioWindowFixture studio;

  @AfterEach
  void closeStudio() throws Exception {
    if (studio != null) studio.close();
  }

  /** {@code tally call ...} as a child process with the production log set-up (INFO on stderr, JSON alone on stdout). */
  static PeerProcess tallyCall(String signal, String room, String name, String mode, int seconds) throws URISyntaxException {
    List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
        "--enable-native-access=ALL-UNNAMED", "-Dtally.log=app",
        "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "call",
        "--signal", signal, "--room", room, "--name", name, "--mode", mode, "--duration", Integer.toString(seconds), "--json"));
    return PeerProcess.start("call-" + mode + "-" + name, c);
  }

  static JsonNode result(PeerProcess p) throws Exception {
    int code = p.waitFor(Duration.ofSeconds(90));
    String out = Files.readString(p.stdoutFile());
    String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(p.name() + " exited " + code + " without JSON\n" + out + p.describe()));
    return JSON.readTree(last);
  }

  private CallWindow openCallWindow() throws Exception {
    robot.clickOn("#call-button");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> robot.lookup("#call-window").tryQuery().isPresent()));
    return fx(() -> (CallWindow) robot.lookup("#call-window").query().getUserData());
  }

  private void inACallWithTallyCall(Path profile, Path recordings, String mode) throws Exception {
    inACallWithTallyCall(profile, recordings, mode, CallWindow.TEST_PATTERN, 640, 360, false);
  }

  private void inACallWithTallyCall(Path profile, Path recordings, String mode, String send, int width, int height)
      throws Exception {
    inACallWithTallyCall(profile, recordings, mode, send, width, height, false);
  }

  /** @param width, height the size the peer must receive: 640x360 for the test pattern, the preview's for the scene */
  private void inACallWithTallyCall(Path profile, Path recordings, String mode, String send, int width, int height,
      boolean closeTheStudio) throws Exception {
    studio = new StudioWindowFixture(profile).writeSettings(recordings);
    studio.open();
    CallWindow w = openCallWindow();
    String signal = "ws://127.0.0.1:" + studio.httpPort + "/sig/v1/rtc";
    String room = "studio-" + mode + (send.equals(CallWindow.SCENE) ? "-scene" : "");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> robot.lookup("#call-server").queryTextInputControl().getText())
        .equals(signal)); // the embedded server by default
    try (PeerProcess peer = tallyCall(signal, room, "peer", mode, 30)) {
      fx(() -> {
        w.fill(null, room, "studio", Call.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), send);
        return null;
      });
      assertThat(fx(w::inviteLink)).isEqualTo("http://127.0.0.1:" + studio.httpPort + "/call/" + room);
      robot.clickOn("#call-join");
      await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> w.stateProperty().get() == Call.State.IN_CALL
          && w.peerFramesShown() >= 30) || !peer.isAlive());
      assertThat(peer.isAlive()).as("the peer is still in the call\n" + peer.describe()).isTrue();
      long first = fx(w::peerFramesShown);
      long since = System.nanoTime();
      // the peer's pictures keep coming (a loaded machine shows fewer of them: the FX thread drops, the call does not)
      await().atMost(Duration.ofSeconds(20)).until(() -> fx(w::peerFramesShown) > first + 10 || !peer.isAlive());
      await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true); // one more stats refresh
      long later = fx(w::peerFramesShown);
      String stats = fx(w::statsText);
      System.out.println("CALL WINDOW " + mode + ": " + fx(w::stateText) + " | " + stats + " | peer frames " + first + " -> " + later
          + " in " + (System.nanoTime() - since) / 1_000_000 + " ms, self frames " + fx(w::selfFramesShown));
      assertThat(later).as("the peer's pictures keep coming").isGreaterThan(first + 10);
      assertThat(fx(w::stateText)).isEqualTo("In call with peer");
      assertThat(fx(w::selfFramesShown)).as("our own picture").isPositive();
      assertThat(stats).contains("640x360").contains("fps").contains("RTT");
      assertThat(fx(w::messageText)).isEmpty();
      screenshot(w);

      // camera off: our own tile stops (the peer gets black frames), the peer's pictures still come; then on again
      robot.clickOn("#call-camera-off");
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
      long selfOff = fx(w::selfFramesShown);
      long peerOff = fx(w::peerFramesShown);
      await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(20)).until(() -> fx(w::peerFramesShown) > peerOff + 5);
      assertThat(fx(w::selfFramesShown)).as("no self view while the camera is off").isEqualTo(selfOff);
      robot.clickOn("#call-camera-off");
      await().atMost(Duration.ofSeconds(10)).until(() -> fx(w::selfFramesShown) > selfOff);

      if (closeTheStudio) {
        WaitForAsyncUtils.asyncFx(() -> studio.window.close()).get(10, java.util.concurrent.TimeUnit.SECONDS);
      } else {
        robot.clickOn("#call-hangup");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> w.stateProperty().get()) == Call.State.ENDED);
      await().atMost(Duration.ofSeconds(20)).until(() -> peer.stderrLines().stream().anyMatch(l -> l.contains("'studio' left")));

      JsonNode j = result(peer);
      System.out.println("CALL WINDOW " + mode + " peer: " + j);
      assertThat(j.get("peer").asText()).isEqualTo("studio");
      assertThat(j.get("exit").asInt()).as(j.toString()).isZero();
      assertThat(j.get("frames_received").asLong()).as("our media reached the peer: " + j).isGreaterThan(30);
      if (send.equals(CallWindow.TEST_PATTERN)) {
        assertThat(j.get("timecodes_read").asLong()).as("the peer decoded our test pattern: " + j).isPositive();
      }
      assertThat(j.get("width").asInt()).isEqualTo(width);
      assertThat(j.get("height").asInt()).isEqualTo(height);
      if (closeTheStudio) {
        studio.close(); // waits for the studio window's close to finish
      } else {
        fx(() -> w.close()).get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !fx(() -> w.stage().isShowing()));
    }
  }

  /**
   * With {@code -Dtally.callwin.screenshot=FILE}: the window as it looks in the call, as PNG (run on
   * Xvfb with glass GTK for the docs' picture; headless Monocle renders the same scene graph).
   */
  private static void screenshot(CallWindow w) throws Exception {
    String keep = System.getProperty("tally.callwin.screenshot");
    if (keep == null || keep.isBlank()) return;
    javafx.scene.image.WritableImage image = fx(() -> w.stage().getScene().snapshot(null));
    int width = (int) image.getWidth();
    int height = (int) image.getHeight();
    int[] argb = new int[width * height];
    image.getPixelReader().getPixels(0, 0, width, height, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, width);
    var out = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, width, height, argb, 0, width);
    Path target = Path.of(keep).toAbsolutePath();
    Files.createDirectories(target.getParent());
    javax.imageio.ImageIO.write(out, "png", target.toFile());
  }

  /** The studio's scene (426x240 output: a 416x234 preview) instead of the test pattern: the peer gets the preview's size. */
  @Test
  void theStudioSceneGoesToThePeer(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    int[] preview = StudioModel.previewSize(426, 240);
    inACallWithTallyCall(profile, recordings, "sfu", CallWindow.SCENE, preview[0], preview[1]);
  }

  @Test
  void inAP2pCallWithTallyCall(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    inACallWithTallyCall(profile, recordings, "p2p");
  }

  /** Closing the studio in a call hangs up first (the peer sees us leave) and closes the Call window. */
  @Test
  void closingTheStudioHangsUp(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    inACallWithTallyCall(profile, recordings, "p2p", CallWindow.TEST_PATTERN, 640, 360, true);
  }

  @Test
  void inAnSfuCallWithTallyCallThroughTheEmbeddedServer(@TempDir Path profile, @TempDir Path recordings) throws Exception {
    inACallWithTallyCall(profile, recordings, "sfu");
  }
}
