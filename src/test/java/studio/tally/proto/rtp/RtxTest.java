package studio.tally.proto.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** RFC 4588 §4: RTX packet = RTX header + OSN + original payload; timestamp, marker, CSRCs unchanged. */
class RtxTest {
  /** V=2 X=1 CC=1, M=1 PT=96, seq 0x1234, ts 0xAABBCCDD, SSRC 0x11111111, CSRC 0x22222222, one ext, payload, P. */
  private static ByteBuf original() {
    return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
        "b1e01234" + "aabbccdd" + "11111111" + "22222222"
            + "bede0001" + "10ff0000" // one-byte extension id 1 = 0xff
            + "0102030405" // payload
            + "000003")); // padding, last byte counts itself
  }

  @Test
  void wrapsAnOriginalPacket() {
    ByteBuf in = original();
    RtpPacket p = RtpPacket.parse(in);
    ByteBuf out = Unpooled.buffer();
    Rtx.wrap(out, in, in.readerIndex(), p, 97, 0x33333333, 7, 0x4321, 0x01020304L);
    assertThat(ByteBufUtil.hexDump(out)).isEqualTo(
        "81e10007" + "01020304" + "33333333" + "22222222" // no X, no P, CC=1, M=1 PT=97, own seq, given ts
            + "4321" + "0102030405"); // OSN, then the original payload without padding
    RtpPacket r = RtpPacket.parse(out);
    assertThat(Rtx.carriesPacket(r)).isTrue();
    assertThat(Rtx.originalSequence(out, 0, r)).isEqualTo(0x4321);
  }

  @Test
  void unwrapRestoresTheOriginal() {
    ByteBuf rtx = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
        "90e10007" + "aabbccdd" + "33333333" + "bede0001" + "20070000" + "1234" + "0102030405"));
    RtpPacket p = RtpPacket.parse(rtx);
    ByteBuf out = Unpooled.buffer();
    Rtx.unwrap(out, rtx, 0, p, 96, 0x11111111);
    assertThat(ByteBufUtil.hexDump(out)).isEqualTo("80e01234" + "aabbccdd" + "11111111" + "0102030405");
  }

  @Test
  void paddingOnlyRtxCarriesNoPacket() {
    ByteBuf probe = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("a0610007" + "aabbccdd" + "33333333"
        + "00".repeat(15) + "10")); // 16 bytes of padding, no payload
    RtpPacket p = RtpPacket.parse(probe);
    assertThat(p.payloadLength()).isZero();
    assertThat(Rtx.carriesPacket(p)).isFalse();
    assertThatThrownBy(() -> Rtx.originalSequence(probe, 0, p)).isInstanceOf(RtpException.class)
        .hasMessageContaining("OSN");
  }

  @Test
  void roundTrip() {
    ByteBuf in = original();
    RtpPacket p = RtpPacket.parse(in);
    ByteBuf rtx = Unpooled.buffer();
    Rtx.wrap(rtx, in, 0, p, 97, 0x33333333, 65535, p.sequence(), p.timestamp());
    ByteBuf back = Unpooled.buffer();
    Rtx.unwrap(back, rtx, 0, RtpPacket.parse(rtx), 96, p.ssrc());
    RtpPacket q = RtpPacket.parse(back);
    assertThat(q.sequence()).isEqualTo(0x1234);
    assertThat(q.timestamp()).isEqualTo(0xAABBCCDDL);
    assertThat(q.marker()).isTrue();
    assertThat(q.csrcs()).containsExactly(0x22222222);
    assertThat(ByteBufUtil.getBytes(back, q.payloadOffset(), q.payloadLength()))
        .containsExactly(1, 2, 3, 4, 5);
  }
}
