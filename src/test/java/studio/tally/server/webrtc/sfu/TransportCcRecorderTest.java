package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.proto.rtp.TransportCcFeedback;

class TransportCcRecorderTest {
  private final TransportCcRecorder r = new TransportCcRecorder();

  /** Written and parsed back, as the publisher would read it. */
  private static TransportCcFeedback onTheWire(TransportCcFeedback fb) {
    ByteBuf b = Unpooled.buffer();
    try {
      fb.write(b);
      List<RtcpPacket> parsed = RtcpPacket.parseCompound(b);
      assertThat(parsed).hasSize(1);
      return (TransportCcFeedback) parsed.getFirst();
    } finally {
      b.release();
    }
  }

  @Test
  void reportsReceiveTimesAndLosses() {
    r.received(100, 1_000_000);
    r.received(101, 1_001_000);
    r.received(103, 1_010_250); // 102 lost
    r.received(104, 1_200_000); // 190 ms later: a large delta
    TransportCcFeedback fb = onTheWire(r.poll(1, 2));
    assertThat(fb.senderSsrc()).isEqualTo(1);
    assertThat(fb.mediaSsrc()).isEqualTo(2);
    assertThat(fb.baseSequence()).isEqualTo(100);
    assertThat(fb.packetStatusCount()).isEqualTo(5);
    assertThat(fb.feedbackCount()).isZero();
    long[] at = fb.arrivalTimesMicros();
    assertThat(at).containsExactly(1_000_000, 1_001_000, -1, 1_010_250, 1_200_000);
    assertThat(fb.statuses()).containsExactly(1, 1, 0, 1, 2);
    assertThat(r.poll(1, 2)).isNull(); // nothing new
  }

  @Test
  void theNextFeedbackStartsAfterTheLastAndCountsUp() {
    r.received(65534, 0);
    r.received(65535, 500);
    assertThat(r.poll(1, 2).packetStatusCount()).isEqualTo(2);
    r.received(65534, 900); // late: its range was reported already
    r.received(1, 1_000); // across the wrap; 0 lost
    TransportCcFeedback fb = onTheWire(r.poll(1, 2));
    assertThat(fb.baseSequence()).isZero();
    assertThat(fb.feedbackCount()).isEqualTo(1);
    assertThat(fb.statuses()).containsExactly(0, 1);
    assertThat(fb.arrivalTimesMicros()).containsExactly(-1, 1_000);
  }

  @Test
  void reorderedArrivalsGetNegativeDeltas() {
    r.received(10, 64_000 + 5_000);
    r.received(9, 64_000 + 6_000);
    r.received(8, 64_000 + 4_000);
    TransportCcFeedback fb = onTheWire(r.poll(1, 2));
    // the first packet arrived is 10; 8 and 9 came later but are reported in sequence order
    assertThat(fb.baseSequence()).isEqualTo(10);
    assertThat(fb.packetStatusCount()).isEqualTo(1);
    r.received(11, 64_000 + 7_000);
    r.received(12, 64_000 + 6_500);
    fb = onTheWire(r.poll(1, 2));
    assertThat(fb.arrivalTimesMicros()).containsExactly(71_000, 70_500);
    assertThat(fb.statuses()).containsExactly(1, 2); // -2 ticks needs the large (signed) delta
  }

  @Test
  void aHugeGapInTimeSplitsTheFeedback() {
    r.received(1, 0);
    r.received(2, 10_000_000); // 10 s: beyond a signed 16-bit delta of 250 µs
    TransportCcFeedback first = onTheWire(r.poll(1, 2));
    assertThat(first.packetStatusCount()).isEqualTo(1);
    TransportCcFeedback second = onTheWire(r.poll(1, 2));
    assertThat(second.baseSequence()).isEqualTo(2);
    assertThat(second.arrivalTimesMicros()).containsExactly(10_000_000);
  }

  @Test
  void manyPacketsAreSpreadOverSeveralFeedbacks() {
    for (int i = 0; i < 1000; i++) {
      r.received(i, i * 100L);
    }
    int total = 0;
    TransportCcFeedback fb;
    while ((fb = r.poll(1, 2)) != null) {
      assertThat(fb.packetStatusCount()).isLessThanOrEqualTo(TransportCcRecorder.MAX_PACKETS_PER_FEEDBACK);
      ByteBuf b = Unpooled.buffer();
      fb.write(b);
      assertThat(b.readableBytes()).isLessThan(1200);
      b.release();
      total += fb.packetStatusCount();
    }
    assertThat(total).isEqualTo(1000);
  }
}
