package studio.tally.proto.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class NalUnitsTest {
  private static final byte[] AVCC = TestVectors.hex("00000002 0910 00000004 67420001 00000003 68ce38 00000002 6588");
  private static final byte[] ANNEX_B = TestVectors.hex("00000001 0910 00000001 67420001 000001 68ce38 00000001 6588");

  @Test
  void avccToAnnexBAndBack() {
    ByteBuf avcc = Unpooled.wrappedBuffer(AVCC);
    ByteBuf annexB = NalUnits.avccToAnnexB(ByteBufAllocator.DEFAULT, avcc, 4);
    ByteBuf back = NalUnits.annexBToAvcc(ByteBufAllocator.DEFAULT, annexB, 4);
    assertThat(ByteBufUtil.getBytes(back)).containsExactly(AVCC);
    List<ByteBuf> nals = NalUnits.splitAnnexB(Unpooled.wrappedBuffer(ANNEX_B));
    assertThat(nals).extracting(n -> NalUnits.type(n.getByte(0))).containsExactly(9, 7, 8, 5);
    assertThat(NalUnits.containsIdr(avcc, 4)).isTrue();
    annexB.release();
    back.release();
  }

  @Test
  void shortLengthPrefixes() {
    ByteBuf two = Unpooled.wrappedBuffer(TestVectors.hex("0002 0910 0001 41"));
    assertThat(NalUnits.splitAvcc(two, 2)).extracting(ByteBuf::readableBytes).containsExactly(2, 1);
    assertThat(NalUnits.containsIdr(two, 2)).isFalse();
  }

  @Test
  void lengthBeyondTheBufferFails() {
    ByteBuf bad = Unpooled.wrappedBuffer(TestVectors.hex("00000009 0910"));
    assertThatThrownBy(() -> NalUnits.splitAvcc(bad, 4)).isInstanceOf(H264Exception.class)
        .hasMessageContaining("NALUnitLength");
    assertThatThrownBy(() -> NalUnits.splitAvcc(Unpooled.wrappedBuffer(new byte[] {0, 0}), 4))
        .isInstanceOf(H264Exception.class);
    assertThat(NalUnits.containsIdr(bad, 4)).isFalse();
  }
}
