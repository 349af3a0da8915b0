package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import studio.tally.media.capture.PulseSources;
import studio.tally.testing.PulseAudioServer;

/** `tally call` refuses bad input with exit 2 and one clear line, before touching the network or libwebrtc. */
class CallCommandTest {
  private record Run(int code, String err) {}

  private static Run run(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new Run(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  private static String[] call(String... extra) {
    String[] base = {"call", "--signal", "ws://127.0.0.1:9/sig/v1/rtc", "--room", "r", "--name", "n"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void badInputIsExitTwoWithAReason() {
    Run mode = run(call("--mode", "mesh"));
    assertThat(mode.code()).isEqualTo(2);
    assertThat(mode.err()).contains("--mode must be sfu or p2p");

    Run name = run("call", "--signal", "ws://h:1", "--room", "r", "--name", "a/b");
    assertThat(name.code()).isEqualTo(2);
    assertThat(name.err()).contains("--name").contains("not a valid name");

    Run ice = run(call("--ice-server", "http://stun.example"));
    assertThat(ice.code()).isEqualTo(2);
    assertThat(ice.err()).contains("--ice-server").contains("stun:");

    Run url = run("call", "--signal", "http://h/sig", "--room", "r", "--name", "n");
    assertThat(url.code()).isEqualTo(2);
    assertThat(url.err()).contains("ws:// or wss://");

    Run pin = run(call("--tls-fingerprint", "abc"));
    assertThat(pin.code()).isEqualTo(2);
    assertThat(pin.err()).contains("--tls-fingerprint: TLS fingerprint must be 32 bytes");

    Run mute = run(call("--mute", "speaker"));
    assertThat(mute.code()).isEqualTo(2);
    assertThat(mute.err()).contains("--mute must be mic or camera");

    Run source = run(call("--source", "scene"));
    assertThat(source.code()).isEqualTo(2);
    assertThat(source.err()).contains("--source must be test or camera");

    Run processing = run(call("--source", "camera", "--voice-processing", "echo,loud"));
    assertThat(processing.code()).isEqualTo(2);
    assertThat(processing.err()).contains("--voice-processing").contains("'loud'");

    Run missing = run("call", "--signal", "ws://h:1");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--room");
  }

  /** A microphone the sound server does not have: exit 2, naming it and the microphones it has (a real PulseAudio). */
  @Test
  void aMicrophoneTheSoundServerLacksIsExitTwoNamingTheOnesItHas() {
    try (PulseAudioServer pulse = PulseAudioServer.start()) {
      pulse.loadSineSource("desk_mic", 440);
      pulse.loadNullSink("speakers");
      System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
      try {
        Run nosuch = run(call("--source", "camera", "--mic", "pulse:usb_headset"));
        assertThat(nosuch.code()).as(nosuch.err()).isEqualTo(2);
        assertThat(nosuch.err()).contains("--mic pulse:usb_headset").contains("no PulseAudio source 'usb_headset'")
            .contains("desk_mic").doesNotContain("speakers.monitor");

        Run monitor = run(call("--source", "camera", "--mic", "speakers.monitor"));
        assertThat(monitor.code()).as(monitor.err()).isEqualTo(2);
        assertThat(monitor.err()).contains("is a monitor").contains("desk_mic");
      } finally {
        System.clearProperty(PulseSources.SERVER_PROPERTY);
      }
    }
  }
}
