package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static studio.tally.testing.HeardLevels.audible;
import static studio.tally.testing.HeardLevels.between;
import static studio.tally.testing.HeardLevels.firstAbove;
import static studio.tally.testing.HeardLevels.firstBelow;
import static studio.tally.testing.HeardLevels.levels;
import static studio.tally.testing.HeardLevels.median;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.media.capture.PulseSources;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.PulseAudioServer;
import studio.tally.testing.ToneAnalysis;

/**
 * A call that sends the studio's scene sends the scene's sound: the studio mixes a microphone of a real
 * PulseAudio server (a pipe source fed a 660 Hz sine at −9 dBFS) and records; a call with the scene as
 * its source, through the studio's embedded server, reaches a {@code tally call} process, which must hear
 * 660 Hz at −9 dBFS; the call's Mute mic silences the peer (below −60 dBFS within 2.5 s, the tone back
 * after unmuting) while the recording keeps the tone all along: the mute is the call's, not the mix's. A
 * call microphone beside the scene is refused (the scene's mix has its microphones).
 */
@ExtendWith(PeerReaper.class)
class CallSceneAudioTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SCENE_HZ = 660;
  private static final double SENT_DB = PulseAudioServer.HALF_SCALE_SINE_RMS_DB;
  /** How long after a mute the peer must hear silence (below −60 dBFS); the same bound as a microphone's. */
  private static final long MUTE_MILLIS = 2500;

  @Test
  void theSceneSoundReachesThePeerInSfuMode() throws Exception {
    callWithTheScene(Call.Mode.SFU);
  }

  @Test
  void theSceneSoundReachesThePeerInP2pMode() throws Exception {
    callWithTheScene(Call.Mode.P2P);
  }

  private void callWithTheScene(Call.Mode mode) throws Exception {
    String m = mode.name().toLowerCase(java.util.Locale.ROOT);
    Path dir = PeerFiles.newDir("call-scene-audio-" + m);
    try (var pulse = PulseAudioServer.start(); var fx = new StudioFixture()) {
      System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
      try {
        pulse.startToneSource("scene_mic", SCENE_HZ, 0.5);
        var scene = List.of(SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL),
            SceneSource.audio(SceneSource.Kind.MIC, "pulse:scene_mic"));
        try (var studio = Studio.open(fx.settings(dir).withScene(scene), null, fx.eventThread)) {
          AtomicLong previews = new AtomicLong();
          studio.setPreview((w, h, argb, pts) -> previews.incrementAndGet(), 416, 234).get(10, TimeUnit.SECONDS);
          await().atMost(Duration.ofSeconds(20)).until(() -> previews.get() > 10
              && studio.status().server().state() == ServerStatus.State.RUNNING);
          String signal = "ws://127.0.0.1:" + fx.httpPort + "/sig/v1/rtc";
          String room = "scene-audio-" + m;
          // the scene's mix has its microphones already: a call microphone beside it is refused, in words
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> Call.start(signal, Call.Connection.DIRECT, room, "studio",
                  mode, false, false, studio, "pulse:scene_mic", (w, h, argb, pts) -> { }, (w, h, argb, pts) -> { }, (s, d) -> { }))
              .isInstanceOf(StudioException.class).hasMessage(Call.SCENE_HAS_ITS_MICROPHONES);
          studio.startRecording().get(20, TimeUnit.SECONDS);
          List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
          try (PeerProcess peer = tallyCall(signal, room, "peer", m, dir.resolve("peer.wav"));
              Call call = Call.start(signal, room, "studio", mode, false, false, studio, (w, h, argb, pts) -> { },
                  (w, h, argb, pts) -> { }, (s, detail) -> states.add(s + " " + detail))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> states.stream().anyMatch(s -> s.startsWith("IN_CALL"))
                || !peer.isAlive() || states.stream().anyMatch(s -> s.startsWith("FAILED")));
            assertThat(states).as("the call: " + peer.describe()).anyMatch(s -> s.startsWith("IN_CALL"));
            Thread.sleep(3000); // the scene's sound flowing
            long muted = System.currentTimeMillis();
            call.setMuted(true, false);
            Thread.sleep(4000);
            long unmuted = System.currentTimeMillis();
            call.setMuted(false, false);
            Thread.sleep(3000);
            long recordedFor = studio.status().recordingMillis();
            long recordingStart = System.currentTimeMillis() - recordedFor;
            studio.stopRecording().get(30, TimeUnit.SECONDS);

            JsonNode p = result(peer);
            System.out.println("CALL SCENE AUDIO " + m + " peer: " + p);
            assertThat(p.get("exit").asInt()).as(p.toString()).isZero();
            assertThat(p.get("peer").asText()).isEqualTo("studio");

            // the peer hears the scene's microphone, at the level the scene mixed it
            ToneAnalysis heard = ToneAnalysis.of(dir.resolve("peer.wav"));
            // within 2 %: the studio keeps a device in step with its clock by adding or dropping up to 1 % of its
            // samples (DriftResampler); one run heard 666.5 Hz for its first seconds, then 660.0
            assertThat(heard.dominantHz()).as("the peer hears the scene's tone").isCloseTo(SCENE_HZ, within(SCENE_HZ * 0.02));
            List<double[]> levels = levels(p);
            List<Double> before = audible(levels, 0, muted);
            assertThat(before).as("the peer heard the scene before the mute: " + p).hasSizeGreaterThan(5);
            assertThat(median(before)).as("at the level mixed: " + p).isCloseTo(SENT_DB, within(4.0));

            // the call's mute: silence at the peer...
            System.out.println("CALL SCENE AUDIO " + m + ": mute -> silence " + firstBelow(levels, muted, -60)
                + " ms, unmute -> sound " + firstAbove(levels, unmuted, SENT_DB - 4) + " ms");
            List<Double> silent = between(levels, muted + MUTE_MILLIS, unmuted);
            assertThat(silent).as("the peer's levels from " + MUTE_MILLIS + " ms after the mute until the unmute: " + p)
                .hasSizeGreaterThan(3).allSatisfy(db -> assertThat(db).isLessThan(-60.0));
            List<Double> after = between(levels, unmuted + 1000, Long.MAX_VALUE);
            assertThat(after).as("the peer's levels from 1 s after the unmute: " + p).hasSizeGreaterThan(5);
            assertThat(median(after)).as("the peer hears the scene again: " + p).isCloseTo(SENT_DB, within(4.0));

            // ...while the recording (the same mix) kept the tone through the call's mute
            Path file = studio.status().recordingStatus().file();
            double from = (muted - recordingStart) / 1000.0 + 0.5;
            double length = (unmuted - muted) / 1000.0 - 1.0;
            ToneAnalysis recorded = ToneAnalysis.of(file, from, length);
            System.out.printf("CALL SCENE AUDIO %s: recording %s, %.1f s from %.1f s: %.1f dBFS, %.0f Hz%n", m, file, length,
                from, recorded.rmsDb(), recorded.dominantHz());
            assertThat(recorded.seconds()).as("the recording covers the call's mute").isGreaterThan(length - 0.5);
            assertThat(recorded.dominantHz()).isCloseTo(SCENE_HZ, within(5.0));
            assertThat(recorded.rmsDb()).as("the recording keeps the scene's sound while the call is muted")
                .isCloseTo(SENT_DB, within(2.0));
          }
        }
      } finally {
        System.clearProperty(PulseSources.SERVER_PROPERTY);
      }
    }
  }

  /** {@code tally call --source test} as a child process: it hears us and writes what it heard to wav. */
  private static PeerProcess tallyCall(String signal, String room, String name, String mode, Path wav)
      throws URISyntaxException {
    List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
        "--enable-native-access=ALL-UNNAMED", "-Dtally.log=app",
        "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "call",
        "--signal", signal, "--room", room, "--name", name, "--mode", mode, "--duration", "20", "--json",
        "--audio-out", wav.toString()));
    return PeerProcess.start("call-scene-" + mode + "-" + name, c);
  }

  private static JsonNode result(PeerProcess p) throws Exception {
    int code = p.waitFor(Duration.ofSeconds(90));
    String out = Files.readString(p.stdoutFile());
    String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(p.name() + " exited " + code + " without JSON\n" + out + p.describe()));
    return JSON.readTree(last);
  }
}
