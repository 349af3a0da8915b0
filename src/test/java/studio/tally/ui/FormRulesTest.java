package studio.tally.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.config.Placement;

/** The pure rules behind the forms and the PiP gesture. */
class FormRulesTest {

  @Test
  void destinationFormSaysWhatIsWrong() {
    assertThat(DestinationDialog.problem("", "k", "")).contains("missing");
    assertThat(DestinationDialog.problem("ftp://x/app", "k", "")).contains("rtmp://").contains("webrtc://");
    assertThat(DestinationDialog.problem("srt://x:9000", "k", "")).contains("rtmp://");
    assertThat(DestinationDialog.problem("rtmp://live.example.com/app", "a key", "")).contains("spaces");
    assertThat(DestinationDialog.problem("rtmps://live.example.com/app", "k", "abc")).contains("64 hex");
    assertThat(DestinationDialog.problem("rtmps://live.example.com:443/app", "k", "AB:".repeat(31) + "AB")).isNull();
    assertThat(DestinationDialog.problem("rtmp://127.0.0.1:1935/live", "studio", "")).isNull();
  }

  @Test
  void whipFormAcceptsEndpointsAndWebrtcUrlsAndSaysWhatIsWrong() {
    assertThat(DestinationDialog.problem("https://whip.example.com/rtc/v1/whip/?app=live&stream=s", "Bearer abc", "")).isNull();
    assertThat(DestinationDialog.problem("http://127.0.0.1:8080/whip/live/s", "", "")).isNull();
    assertThat(DestinationDialog.problem("webrtc://127.0.0.1:8080/live/s", "abc", "")).isNull();
    assertThat(DestinationDialog.problem("http://", "", "")).contains("no host");
    assertThat(DestinationDialog.problem("webrtc:///live/s", "", "")).contains("no host");
    assertThat(DestinationDialog.problem("webrtc://host/live", "", "")).contains("app and a stream");
    assertThat(DestinationDialog.problem("https://user:pw@host/whip", "", "")).contains("user name");
    assertThat(DestinationDialog.problem("https://host/whip", "Bearer two words", "")).contains("spaces");
    // ICE servers as our TURN client takes them: TURN needs credentials; TCP and TLS relays are fine
    String whip = "https://host/whip";
    assertThat(DestinationDialog.problem(whip, "", "", List.of("stun:198.18.0.1:3478", "turn:u:p@198.18.0.1:3478?transport=tcp",
        "turns:u:p@turn.example.net"))).isNull();
    assertThat(DestinationDialog.problem(whip, "", "", List.of("turn:198.18.0.1:3478"))).startsWith("ICE servers: ")
        .contains("no credentials");
    assertThat(DestinationDialog.problem(whip, "", "", List.of("turns:u:secret@h?transport=udp"))).contains("DTLS")
        .doesNotContain("secret");
    assertThat(DestinationDialog.problem(whip, "", "", List.of("stun:a b"))).contains("stun:HOST[:PORT]");
    // a turns: relay's certificate pin is checked like an RTMPS one; without a TLS relay the field does not apply
    assertThat(DestinationDialog.problem(whip, "", "AB:CD", List.of("turns:u:p@turn.example.net"))).contains("64 hex");
    assertThat(DestinationDialog.problem(whip, "", "ab".repeat(32), List.of("turns:u:p@turn.example.net"))).isNull();
    assertThat(DestinationDialog.problem(whip, "", "AB:CD", List.of("turn:u:p@198.18.0.1:3478"))).isNull();
    assertThat(DestinationDialog.pinsCertificate(whip, List.of("TURNS:u:p@h"))).isTrue();
    assertThat(DestinationDialog.pinsCertificate(whip, List.of("turn:u:p@h"))).isFalse();
    assertThat(DestinationDialog.pinsCertificate("rtmps://h/app", List.of())).isTrue();
    assertThat(DestinationDialog.problem("rtmp://127.0.0.1:1935/live", "studio", "", List.of("turn:x"))).as("RTMP ignores them")
        .isNull();
    assertThat(DestinationDialog.isWhip("WEBRTC://host/a/b")).isTrue();
    assertThat(DestinationDialog.isWhip("rtmp://host/a")).isFalse();
  }

  @Test
  void sizesParseOrExplain() {
    assertThat(SettingsDialog.parseSize(" 1920 x 1080 ")).containsExactly(1920, 1080);
    assertThatThrownBy(() -> SettingsDialog.parseSize("big")).hasMessageContaining("WIDTHxHEIGHT");
  }

  @Test
  void pipMovesWithinThePicture() {
    Placement p = new Placement(0.7, 0.7, 0.25, 0.25);
    assertThat(PreviewPane.moved(p, -0.2, -0.1)).satisfies(m -> {
      assertThat(m.x()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(m.y()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    });
    Placement far = PreviewPane.moved(p, 5, 5);
    assertThat(far.x() + far.width()).isLessThanOrEqualTo(1.0);
    assertThat(PreviewPane.moved(p, -5, -5)).isEqualTo(new Placement(0, 0, 0.25, 0.25));
  }

  @Test
  void pipResizeKeepsItsShapeAndStaysInside() {
    Placement p = new Placement(0.5, 0.5, 0.2, 0.2);
    Placement bigger = PreviewPane.resized(p, 0.1, 0);
    assertThat(bigger.width()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(bigger.height()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    Placement huge = PreviewPane.resized(p, 2, 2);
    assertThat(huge.x() + huge.width()).isLessThanOrEqualTo(1.0 + 1e-9);
    assertThat(PreviewPane.resized(p, -1, -1).width()).isEqualTo(0.05);
  }

  @Test
  void meterScale() {
    assertThat(LevelMeter.fraction(-100)).isZero();
    assertThat(LevelMeter.fraction(-30)).isEqualTo(0.5);
    assertThat(LevelMeter.fraction(3)).isEqualTo(1);
    assertThat(LevelMeter.fraction(Double.NaN)).isZero();
  }

  @Test
  void previewIsAtMost1280WideInStepsOf32() {
    assertThat(StudioModel.previewSize(1920, 1080)).containsExactly(1280, 720);
    assertThat(StudioModel.previewSize(1280, 720)).containsExactly(1280, 720);
    assertThat(StudioModel.previewSize(3840, 1600)).containsExactly(1280, 532);
    assertThat(StudioModel.previewSize(426, 240)).containsExactly(416, 234);
  }
}
