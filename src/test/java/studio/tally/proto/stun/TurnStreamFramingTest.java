package studio.tally.proto.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Message lengths on a TCP/TLS connection to a TURN server (RFC 8656 §3.1, §12.5). */
class TurnStreamFramingTest {
  private static ByteBuf hex(String h) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(h));
  }

  @Test
  void stunAndPaddedChannelDataTellTheirOwnLength() {
    byte[] binding = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(new SplittableRandom(3)))
        .fingerprint().toBytes();
    assertThat(TurnStreamFraming.frameLength(Unpooled.wrappedBuffer(binding))).isEqualTo(binding.length).isEqualTo(28);
    assertThat(TurnStreamFraming.frameLength(hex("40000005"))).as("5 bytes of data + 3 of padding").isEqualTo(12);
    assertThat(TurnStreamFraming.frameLength(hex("4fff0008"))).isEqualTo(12);
    assertThat(TurnStreamFraming.frameLength(hex("40000000"))).isEqualTo(4);
    assertThat(TurnStreamFraming.frameLength(hex("400000"))).as("not enough to tell").isEqualTo(-1);

    ByteBuf out = Unpooled.buffer();
    ChannelData.encodePadded(0x4001, hex("0102030405"), out);
    assertThat(io.netty.buffer.ByteBufUtil.hexDump(out)).isEqualTo("40010005" + "0102030405" + "000000");
  }

  @Test
  void bytesThatStartNeitherAreABrokenStream() {
    assertThatThrownBy(() -> TurnStreamFraming.frameLength(hex("80600001"))).isInstanceOf(StunException.class)
        .hasMessageContaining("0x80 starts neither STUN nor ChannelData");
    assertThatThrownBy(() -> TurnStreamFraming.frameLength(hex("00010005"))).isInstanceOf(StunException.class)
        .hasMessageContaining("not a multiple of 4");
  }
}
