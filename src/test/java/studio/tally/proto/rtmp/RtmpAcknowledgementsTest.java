package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RtmpAcknowledgementsTest {

  @Test
  void oneAcknowledgementPerWindowOnlyOnceThePeerAskedForIt() {
    var acks = new RtmpAcknowledgements();
    assertThat(acks.due(10_000_000)).isNull(); // no window yet
    acks.window(2_500_000);
    assertThat(acks.due(10_000_000)).isEqualTo(new RtmpControlMessage.Acknowledgement(10_000_000));
    assertThat(acks.due(12_499_999)).isNull();
    assertThat(acks.due(12_500_000)).isEqualTo(new RtmpControlMessage.Acknowledgement(12_500_000));
    acks.window(0);
    assertThat(acks.due(100_000_000)).isNull();
  }

  @Test
  void theSequenceNumberWrapsAt32Bits() {
    var acks = new RtmpAcknowledgements();
    acks.window(1);
    assertThat(acks.due(0x1_0000_0005L)).isEqualTo(new RtmpControlMessage.Acknowledgement(5));
  }
}
