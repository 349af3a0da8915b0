package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The status bar's words for a destination, relayed or not. */
class DestinationStatusTest {
  @Test
  void aRelayedWhipDestinationSaysWhichTurnServerCarriesIt() {
    var direct = new DestinationStatus("w", "WHIP", DestinationStatus.State.LIVE, 0, null, 2480, 0, 12, null);
    assertThat(direct.describe()).isEqualTo("live · 2480 kbps · rtt 12 ms");
    var relayed = new DestinationStatus("w", "WHIP", DestinationStatus.State.LIVE, 0, null, 2480, 0, 31,
        "turns:turn.example.net:5349");
    assertThat(relayed.describe()).isEqualTo("live · 2480 kbps · rtt 31 ms · via TURN turns:turn.example.net:5349");
  }
}
