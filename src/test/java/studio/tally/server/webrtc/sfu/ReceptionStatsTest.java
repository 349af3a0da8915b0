package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import studio.tally.proto.rtp.ReportBlock;

/** RFC 3550 appendix A.3 (loss) and A.8 (jitter) on hand-made arrivals. */
class ReceptionStatsTest {

  @Test
  void lossFractionAndCumulativeAcrossTheSequenceWrap() {
    ReceptionStats rx = new ReceptionStats(7, 90000);
    for (int seq = 65530; seq < 65540; seq++) { // 65530 .. 65535, 0 .. 3; 65534 and 1 lost
      if (seq != 65534 && seq != 65537) {
        rx.received(seq & 0xFFFF, 0, 0, false);
      }
    }
    ReportBlock b = rx.report(1_000_000);
    assertThat(b.ssrc()).isEqualTo(7);
    assertThat(b.extendedHighestSequence()).isEqualTo(65536 + 3);
    assertThat(b.cumulativeLost()).isEqualTo(2);
    assertThat(b.fractionLost()).isEqualTo(2 * 256 / 10);
    assertThat(b.lastSenderReport()).as("no SR yet").isZero();
    assertThat(b.delaySinceLastSenderReport()).isZero();

    rx.received(4, 0, 0, false); // the next interval: nothing lost
    assertThat(rx.report(2_000_000).fractionLost()).isZero();
  }

  @Test
  void reorderedAndDuplicatePacketsDoNotMoveTheHighestSequence() {
    ReceptionStats rx = new ReceptionStats(1, 90000);
    rx.received(100, 0, 0, false);
    rx.received(102, 0, 0, false);
    rx.received(101, 0, 0, false);
    rx.received(101, 0, 0, false);
    ReportBlock b = rx.report(0);
    assertThat(b.extendedHighestSequence()).isEqualTo(102);
    assertThat(b.cumulativeLost()).as("a duplicate counts as received: RFC 3550 lets the count go negative").isEqualTo(-1);
  }

  @Test
  void evenlyPacedPacketsHaveNoJitterAndLateOnesDo() {
    ReceptionStats rx = new ReceptionStats(1, 90000);
    for (int i = 0; i < 50; i++) { // 30 fps: 3000 ticks and 33 333 µs apart
      rx.received(i, 3000L * i, 1_000_000L * i / 30, true);
    }
    assertThat(rx.report(0).jitter()).isLessThanOrEqualTo(1);
    ReceptionStats late = new ReceptionStats(1, 90000);
    for (int i = 0; i < 50; i++) { // every other packet 10 ms late: |D| = 900 ticks, jitter -> ~900
      late.received(i, 3000L * i, 1_000_000L * i / 30 + (i % 2) * 10_000, true);
    }
    assertThat(late.report(0).jitter()).isBetween(700L, 900L);
  }

  @Test
  void theLastSenderReportIsEchoedWithItsDelay() {
    ReceptionStats rx = new ReceptionStats(1, 48000);
    rx.received(1, 0, 0, true);
    rx.senderReport(0x1234_5678L, 10_000_000);
    ReportBlock b = rx.report(10_500_000); // half a second later
    assertThat(b.lastSenderReport()).isEqualTo(0x1234_5678L);
    assertThat(b.delaySinceLastSenderReport()).isEqualTo(32768);
  }
}
