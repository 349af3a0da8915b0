package studio.tally.proto.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 7798 §4.4: single NAL unit packets, aggregation packets (48) and fragmentation units (49). */
class H265PacketizerTest {
  private static final HexFormat HEX = HexFormat.of();
  // NAL unit headers: F(1) Type(6) LayerId(6) TID(3)
  private static final byte[] VPS = HEX.parseHex("40010c01ffff"); // type 32, LayerId 0, TID 1
  private static final byte[] SPS = HEX.parseHex("420101016000"); // type 33, TID 1
  private static final byte[] PPS = HEX.parseHex("4401c172b4"); // type 34, TID 1
  private final List<H264Packetizer.Payload> out = new ArrayList<>();

  @AfterEach
  void release() {
    out.forEach(p -> p.bytes().release());
  }

  private static List<ByteBuf> nals(byte[]... n) {
    List<ByteBuf> l = new ArrayList<>();
    for (byte[] b : n) {
      l.add(Unpooled.wrappedBuffer(b));
    }
    return l;
  }

  private static byte[] idr(int size) { // type 19 IDR_W_RADL, TID 1
    byte[] b = new byte[size];
    b[0] = 0x26;
    b[1] = 0x01;
    for (int i = 2; i < size; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  @Test
  void parameterSetsAreAggregatedWithTheLowestLayerAndTid() {
    byte[] tid0 = HEX.parseHex("4e0005aa"); // SEI prefix (39) with TID field 0 (not a valid stream: shows the lowest wins)
    new H265Packetizer(UnpooledByteBufAllocator.DEFAULT).packetize(nals(VPS, SPS, PPS, tid0), out);
    assertThat(out).hasSize(1);
    ByteBuf ap = out.getFirst().bytes();
    int header = ap.getUnsignedShort(0);
    assertThat(header >> 15).as("F").isZero();
    assertThat((header >> 9) & 0x3f).as("Type").isEqualTo(H265Packetizer.AP);
    assertThat((header >> 3) & 0x3f).as("LayerId").isZero();
    assertThat(header & 7).as("TID: the lowest").isZero();
    int at = 2;
    for (byte[] n : List.of(VPS, SPS, PPS, tid0)) {
      assertThat(ap.getUnsignedShort(at)).as("NALU size").isEqualTo(n.length);
      assertThat(ByteBufUtil.getBytes(ap, at + 2, n.length)).isEqualTo(n);
      at += 2 + n.length;
    }
    assertThat(at).isEqualTo(ap.readableBytes());
    assertThat(out.getFirst().marker()).isTrue();
  }

  @Test
  void aSmallNalUnitAloneIsASingleNalUnitPacket() {
    byte[] slice = HEX.parseHex("02010123456789"); // TRAIL_R (1)
    new H265Packetizer(UnpooledByteBufAllocator.DEFAULT).packetize(nals(slice), out);
    assertThat(out).hasSize(1);
    assertThat(ByteBufUtil.getBytes(out.getFirst().bytes())).isEqualTo(slice);
    assertThat(out.getFirst().marker()).isTrue();
  }

  @Test
  void aLargeNalUnitIsFragmentedAndReassemblesToItself() {
    byte[] big = idr(3000);
    new H265Packetizer(UnpooledByteBufAllocator.DEFAULT, 1200).packetize(nals(VPS, SPS, PPS, big), out);
    assertThat(H265Packetizer.type(out.getFirst().bytes().getUnsignedByte(0))).isEqualTo(H265Packetizer.AP);
    List<H264Packetizer.Payload> fus = out.subList(1, out.size());
    assertThat(fus).hasSize(3);
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
    for (int i = 0; i < fus.size(); i++) {
      ByteBuf p = fus.get(i).bytes();
      assertThat(p.readableBytes()).isLessThanOrEqualTo(1200);
      int header = p.getUnsignedShort(0);
      assertThat((header >> 9) & 0x3f).isEqualTo(H265Packetizer.FU);
      assertThat(header & 0x81ff).as("F, LayerId, TID of the fragmented NAL unit").isEqualTo(0x0001);
      int fu = p.getUnsignedByte(2);
      assertThat((fu & 0x80) != 0).as("S").isEqualTo(i == 0);
      assertThat((fu & 0x40) != 0).as("E").isEqualTo(i == fus.size() - 1);
      assertThat(fu & 0x3f).as("FuType").isEqualTo(19);
      rebuilt.writeBytes(ByteBufUtil.getBytes(p, 3, p.readableBytes() - 3));
      assertThat(fus.get(i).marker()).isEqualTo(i == fus.size() - 1);
    }
    byte[] payload = rebuilt.toByteArray();
    assertThat(payload).hasSize(big.length - 2);
    byte[] expected = new byte[big.length - 2];
    System.arraycopy(big, 2, expected, 0, expected.length);
    assertThat(payload).isEqualTo(expected);
  }

  @Test
  void aForbiddenBitSetInOneAggregatedUnitIsSetInTheAggregationHeader() {
    byte[] marked = HEX.parseHex("c20101"); // SPS with F = 1
    new H265Packetizer(UnpooledByteBufAllocator.DEFAULT).packetize(nals(VPS, marked), out);
    assertThat(out.getFirst().bytes().getUnsignedShort(0) >> 15).isEqualTo(1);
  }

  @Test
  void truncatedNalUnitsAreSkipped() {
    new H265Packetizer(UnpooledByteBufAllocator.DEFAULT).packetize(nals(new byte[] {0x40}, new byte[0]), out);
    assertThat(out).isEmpty();
  }
}
