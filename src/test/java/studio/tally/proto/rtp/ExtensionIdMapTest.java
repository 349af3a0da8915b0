package studio.tally.proto.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8285 blocks renumbered: kept elements with their new ids, the rest dropped, padded to 32 bits. */
class ExtensionIdMapTest {
  /** One-byte block: id 1 (audio level, 1 byte 0x85), id 3 (transport-cc, 2 bytes 0x0102), padding. */
  private static final String PACKET = "906f0001" + "00000000" + "00000001" + "bede0002" + "1085" + "310102" + "000000"
      + "aabb";

  private static ByteBuf packet(String hex) {
    return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
  }

  private static String write(ExtensionIdMap m, String hex) {
    ByteBuf in = packet(hex);
    ByteBuf out = Unpooled.buffer();
    boolean wrote = m.write(out, in, 0, RtpPacket.parse(in));
    assertThat(wrote).isEqualTo(out.readableBytes() > 0);
    return ByteBufUtil.hexDump(out);
  }

  @Test
  void keepsMappedElementsUnderTheirNewIds() {
    assertThat(write(new ExtensionIdMap(Map.of(1, 5)), PACKET)).isEqualTo("bede0001" + "5085" + "0000");
    assertThat(write(new ExtensionIdMap(Map.of(1, 5, 3, 2)), PACKET)).isEqualTo("bede0002" + "5085" + "210102" + "000000");
  }

  @Test
  void anIdAboveFourteenNeedsTheTwoByteForm() {
    assertThat(write(new ExtensionIdMap(Map.of(1, 20)), PACKET)).isEqualTo("10000001" + "140185" + "00");
  }

  @Test
  void nothingKeptWritesNothing() {
    assertThat(write(new ExtensionIdMap(Map.of(7, 8)), PACKET)).isEmpty();
    assertThat(write(ExtensionIdMap.NONE, PACKET)).isEmpty();
    assertThat(write(new ExtensionIdMap(Map.of(1, 5)), "806f0001" + "00000000" + "00000001" + "aabb")).isEmpty();
  }

  @Test
  void aMalformedBlockIsDroppedNotThrown() {
    // element id 1 claims 16 bytes in a 4-byte block
    assertThat(write(new ExtensionIdMap(Map.of(1, 5)), "906f0001" + "00000000" + "00000001" + "bede0001" + "1f000000"))
        .isEmpty();
  }

  @Test
  void idsOutsideTheRangeAreRefused() {
    assertThatThrownBy(() -> new ExtensionIdMap(Map.of(0, 1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 -> 1");
    assertThatThrownBy(() -> new ExtensionIdMap(Map.of(1, 256))).isInstanceOf(IllegalArgumentException.class);
  }
}
