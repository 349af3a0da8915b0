package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static studio.tally.ui.StudioWindowFixture.fx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import studio.tally.live.Call;
import studio.tally.media.capture.PulseSources;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.signaling.SignalingClient;
import studio.tally.signaling.SignalingOptions;
import studio.tally.testing.FreePort;
import studio.tally.testing.PulseAudioServer;

/**
 * What the Call window does with input a call cannot use: every case is one sentence under the form,
 * never an exception or a window that stops answering, and the window joins fine afterwards. The
 * refusals come from our real server (in process) with real signaling clients holding the room; the
 * last case checks that closing the window leaves the room (the other participant gets {@code leave}).
 */
@ExtendWith(FxThemed.class)
class CallWindowInputTest {
  private final FxRobot robot = new FxRobot();

  private static SignalingClient member(String signal, String room, String name, List<ServerMessage.Notify> seen)
      throws Exception {
    SignalingClient c = SignalingClient.connect(SignalingOptions.of(signal), new SignalingClient.Listener() {
      @Override
      public void onNotify(ServerMessage.Notify n) {
        seen.add(n);
      }
    });
    c.join(room, name).get(10, TimeUnit.SECONDS);
    return c;
  }

  /** A Call window following the studio server {@code signal} (null: none), shown. */
  private static CallWindow openWindow(String signal) throws Exception {
    return WaitForAsyncUtils.asyncFx(() -> {
      CallWindow cw = new CallWindow(new Stage(), Platform::runLater, () -> signal, () -> null);
      cw.show();
      return cw;
    }).get(30, TimeUnit.SECONDS);
  }

  /** Fills the form, presses Join and waits until the window has settled: a message, or a state other than CONNECTING. */
  private String joinWith(CallWindow w, String server, String room, String name, Call.Mode mode) throws Exception {
    fx(() -> {
      w.fill(server, room, name, mode);
      return null;
    });
    robot.clickOn("#call-join");
    await().atMost(Duration.ofSeconds(40)).until(() -> fx(() -> !w.messageText().isEmpty()
        || (w.stateProperty().get() != null && w.stateProperty().get() != Call.State.CONNECTING)));
    return fx(w::messageText);
  }

  /** Fills the Connection fields (ICE servers, certificate pin, accept any) and joins room 'conn' as 'me'. */
  private String joinWithConnection(CallWindow w, String server, String ice, String pin, boolean insecure) throws Exception {
    fx(() -> {
      robot.lookup("#call-ice-servers").queryTextInputControl().setText(ice);
      robot.lookup("#call-tls-pin").queryTextInputControl().setText(pin);
      ((javafx.scene.control.CheckBox) robot.lookup("#call-tls-insecure").query()).setSelected(insecure);
      return null;
    });
    return joinWith(w, server, "conn", "me", Call.Mode.P2P);
  }

  private void hangUpAndWait(CallWindow w) throws Exception {
    robot.clickOn("#call-hangup");
    await().atMost(Duration.ofSeconds(20)).until(this::joinEnabled);
  }

  private boolean joinEnabled() throws Exception {
    return fx(() -> !robot.lookup("#call-join").query().isDisabled() && robot.lookup("#call-hangup").query().isDisabled());
  }

  @Test
  void badInputIsOneSentenceUnderTheFormAndTheWindowStaysUsable(@TempDir Path config) throws Exception {
    TallyServer server = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0")
        .withListen(List.of("127.0.0.1:0")).withConfigDir(config.toString()), "0.1.0-test");
    int port = server.boundAddresses().getFirst().getPort();
    String signal = "ws://127.0.0.1:" + port + "/sig/v1/rtc";
    List<ServerMessage.Notify> seen = new CopyOnWriteArrayList<>();
    try (server;
        SignalingClient taken = member(signal, "dup", "taken", seen);
        SignalingClient a = member(signal, "full", "a", seen);
        SignalingClient b = member(signal, "full", "b", seen);
        SignalingClient watcher = member(signal, "watched", "watcher", seen)) {
      CallWindow w = openWindow(signal);
      assertThat(fx(() -> robot.lookup("#call-server").queryTextInputControl().getText())).isEqualTo(signal);

      assertThat(joinWith(w, null, "", "me", Call.Mode.P2P)).isEqualTo("room is missing");
      assertThat(joinWith(w, null, "r1", "a/b", Call.Mode.P2P)).contains("name 'a/b' is not a valid name");
      assertThat(joinWith(w, null, "r1", "", Call.Mode.P2P)).isEqualTo("name is missing");
      assertThat(joinWith(w, "http://127.0.0.1:" + port + "/sig/v1/rtc", "r1", "me", Call.Mode.P2P)).contains("ws:// or wss://");
      assertThat(joinWith(w, "ws://bad host/sig", "r1", "me", Call.Mode.P2P)).contains("not a URL");
      assertThat(joinWith(w, "", "r1", "me", Call.Mode.P2P)).startsWith("server: enter a signaling URL");
      assertThat(fx(() -> w.stateProperty().get())).as("none of these started a call").isNull();
      assertThat(fx(w::inviteLink)).as("no invite for a server that is not one").isEmpty();

      int closed = FreePort.tcp();
      String unreachable = joinWith(w, "ws://127.0.0.1:" + closed + "/sig/v1/rtc", "r1", "me", Call.Mode.P2P);
      assertThat(unreachable).contains("cannot connect to ws://127.0.0.1:" + closed + "/sig/v1/rtc");
      assertThat(fx(() -> w.stateProperty().get())).isEqualTo(Call.State.FAILED);
      assertThat(fx(w::stateText)).startsWith("Failed: cannot connect");
      assertThat(joinEnabled()).isTrue();

      String notSignaling = joinWith(w, "ws://127.0.0.1:" + port + "/live/nothing", "r1", "me", Call.Mode.P2P);
      System.out.println("CALL WINDOW messages: unreachable: " + unreachable + " | not signaling: " + notSignaling);
      assertThat(notSignaling).as("a URL where no signaling server answers")
          .isEqualTo("no signaling server at ws://127.0.0.1:" + port + "/live/nothing (HTTP 404; ours is at /sig/v1/rtc)");

      // the Connection fields: each refused before joining, with what is wrong
      assertThat(joinWithConnection(w, signal, "turnn:host:3478", "", false)).contains("must be stun:HOST:PORT");
      assertThat(joinWithConnection(w, signal, "", "zz:11", false)).startsWith("certificate: ");
      assertThat(fx(() -> w.stateProperty().get())).as("none of these started a call either").isIn(Call.State.FAILED, null);
      // wss:// on the same port: the server's own certificate is not in the system's trust; its pin is
      String wss = "wss://127.0.0.1:" + port + "/sig/v1/rtc";
      String untrusted = joinWithConnection(w, wss, "", "", false);
      System.out.println("CALL WINDOW wss without a pin: " + untrusted);
      String pin = server.certificate().sha256Fingerprint();
      assertThat(untrusted).as("an untrusted certificate is said, with what helps")
          .contains("certificate not trusted (SHA-256 " + pin + "): pin this fingerprint or accept any certificate");
      assertThat(joinEnabled()).isTrue();
      assertThat(joinWithConnection(w, wss, "stun:127.0.0.1:3478", pin, false)).as("pinned: joins").isEmpty();
      assertThat(fx(() -> w.stateProperty().get())).isIn(Call.State.WAITING, Call.State.IN_CALL);
      hangUpAndWait(w);
      joinWithConnection(w, signal, "", "", false); // back to plain ws for the rest
      hangUpAndWait(w);

      assertThat(joinWith(w, signal, "dup", "taken", Call.Mode.SFU)).isEqualTo("the name 'taken' is already in room 'dup': choose another name");
      assertThat(joinEnabled()).isTrue();
      assertThat(joinWith(w, signal, "full", "c", Call.Mode.P2P)).isEqualTo("room 'full' is full: a call has room for two");
      assertThat(joinEnabled()).isTrue();

      // the same window now joins: the invite is our call page for the room, and closing it leaves the room
      String ok = joinWith(w, signal, "watched", "studio", Call.Mode.P2P);
      assertThat(ok).isEmpty();
      assertThat(fx(() -> w.stateProperty().get())).isIn(Call.State.WAITING, Call.State.IN_CALL);
      assertThat(fx(w::inviteLink)).isEqualTo("http://127.0.0.1:" + port + "/call/watched");
      assertThat(fx(() -> robot.lookup("#call-join").query().isDisabled())).isTrue();
      WaitForAsyncUtils.asyncFx(() -> w.stage().fireEvent(new javafx.stage.WindowEvent(w.stage(),
          javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST))).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(n -> n.event().equals(ServerMessage.LEAVE)
          && "watched".equals(n.room()) && n.peer() != null && "studio".equals(n.peer().display())));
      assertThat(seen).as("a P2P hang-up says bye first").anyMatch(n -> n.event().equals(ServerMessage.CONTROL)
          && "bye".equals(n.param()) && "studio".equals(n.peer().display()));
      await().atMost(Duration.ofSeconds(10)).until(() -> !fx(() -> w.stage().isShowing()));
      assertThat(fx(() -> w.stateProperty().get())).isEqualTo(Call.State.ENDED);
      assertThat(seen).as("nobody else was disturbed").noneMatch(n -> n.event().equals(ServerMessage.LEAVE)
          && !"studio".equals(n.peer().display()));
    }
  }

  /**
   * The microphone choice is the sound server's microphones as the studio's device listing gives them
   * (a real PulseAudio: monitors are not offered), the default one chosen; a microphone gone by the
   * time Join is pressed is one sentence under the form naming what the server has.
   */
  @Test
  void theMicrophoneChoiceIsTheSoundServersMicrophones() throws Exception {
    try (PulseAudioServer pulse = PulseAudioServer.start()) {
      int desk = pulse.loadSineSource("desk_mic", 440);
      pulse.loadSineSource("headset_mic", 880);
      pulse.loadNullSink("speakers");
      System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
      try {
        CallWindow w = openWindow(null);
        try {
          javafx.scene.control.ChoiceBox<String> mics = robot.lookup("#call-microphone").query();
          await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> mics.getItems().contains("pulse:desk_mic")));
          List<String> offered = fx(() -> List.copyOf(mics.getItems()));
          System.out.println("CALL WINDOW microphones: " + offered);
          assertThat(offered).containsExactly(CallWindow.NO_MIC, CallWindow.DEFAULT_MIC, "pulse:desk_mic", "pulse:headset_mic");
          assertThat(fx(mics::getValue)).as("the default microphone, when there is one").isEqualTo(CallWindow.DEFAULT_MIC);
          assertThat(fx(() -> mics.getConverter().toString("pulse:desk_mic"))).contains("Sine source at 440 Hz");

          // the scene is sent with its own sound (the mixer's microphones): no call microphone beside it, and the
          // window says so; the choice comes back with the test pattern
          javafx.scene.control.ChoiceBox<String> sources = robot.lookup("#call-source").query();
          fx(() -> {
            sources.setValue(CallWindow.SCENE);
            return null;
          });
          assertThat(fx(mics::getValue)).isEqualTo(CallWindow.NO_MIC);
          assertThat(fx(mics::isDisabled)).as("no microphone to choose with the scene").isTrue();
          assertThat(fx(() -> mics.getConverter().toString(mics.getValue()))).isEqualTo(CallWindow.NO_MIC_SCENE);
          assertThat(fx(() -> robot.lookup("#call-microphone-hint").queryAs(javafx.scene.control.Label.class).getText()))
              .isEqualTo(CallWindow.HINT_SCENE);
          fx(() -> {
            sources.setValue(CallWindow.TEST_PATTERN);
            return null;
          });
          assertThat(fx(mics::getValue)).isEqualTo(CallWindow.DEFAULT_MIC);
          assertThat(fx(mics::isDisabled)).isFalse();
          assertThat(fx(() -> mics.getConverter().toString(CallWindow.NO_MIC))).isEqualTo(CallWindow.NO_MIC_TONE);

          pulse.unloadModule(desk); // unplugged after the list was made
          fx(() -> {
            w.fill("ws://127.0.0.1:9/sig/v1/rtc", "r1", "me", Call.Mode.SFU, CallWindow.TEST_PATTERN, "pulse:desk_mic");
            return null;
          });
          robot.clickOn("#call-join");
          await().atMost(Duration.ofSeconds(20)).until(() -> !fx(w::messageText).isEmpty());
          assertThat(fx(w::messageText)).isEqualTo(
              "microphone: no PulseAudio source 'desk_mic' on this sound server; its microphones: [headset_mic]");
          assertThat(joinEnabled()).isTrue();
        } finally {
          WaitForAsyncUtils.asyncFx(() -> w.close()).get(10, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
      } finally {
        System.clearProperty(PulseSources.SERVER_PROPERTY);
      }
    }
  }

  /** The peer leaves: "Peer left"; the server goes away: "Reconnecting: why"; Hang up still ends the call. */
  @Test
  void thePeerLeavingAndTheServerGoingAwayAreSaid(@TempDir Path config) throws Exception {
    TallyServer server = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0")
        .withListen(List.of("127.0.0.1:0")).withConfigDir(config.toString()), "0.1.0-test");
    String signal = "ws://127.0.0.1:" + server.boundAddresses().getFirst().getPort() + "/sig/v1/rtc";
    List<ServerMessage.Notify> seen = new CopyOnWriteArrayList<>();
    try (server; SignalingClient other = member(signal, "brief", "other", seen)) {
      CallWindow w = openWindow(signal);
      try {
        assertThat(joinWith(w, signal, "brief", "me", Call.Mode.P2P)).isEmpty();
        assertThat(fx(() -> w.stateProperty().get())).isEqualTo(Call.State.WAITING);
        other.leave().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> w.stateProperty().get()) == Call.State.PEER_LEFT);
        assertThat(fx(w::stateText)).isEqualTo("Peer left (other)");

        server.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> w.stateProperty().get()) == Call.State.RECONNECTING);
        String reconnecting = fx(w::stateText);
        System.out.println("CALL WINDOW server gone: " + reconnecting);
        assertThat(reconnecting).startsWith("Reconnecting: ").hasSizeGreaterThan("Reconnecting: ".length());
        assertThat(fx(w::messageText)).isEmpty();
        robot.clickOn("#call-hangup");
        await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> w.stateProperty().get()) == Call.State.ENDED);
        assertThat(joinEnabled()).isTrue();
      } finally {
        WaitForAsyncUtils.asyncFx(() -> w.close()).get(10, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
      }
    }
  }
}
