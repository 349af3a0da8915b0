package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/** {@code tally serve --rtc-play-wait-ms} out of range: one line saying so, exit 2, nothing started. */
@ExtendWith(PeerReaper.class)
class ServePlayWaitFlagTest {

  @Test
  void anOutOfRangePlayWaitIsRefusedWithItsRange() throws Exception {
    try (PeerProcess p = TallyCli.start("serve", "--listen", "127.0.0.1:0", "--rtc-udp", "127.0.0.1:0",
        "--rtc-play-wait-ms", "700000")) {
      assertThat(p.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(p)).isEqualTo(2);
      assertThat(Files.readString(p.stderrFile())).contains("--rtc-play-wait-ms must be 0..600000");
    }
  }
}
