package studio.tally.proto.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AV1 RTP payloads against the payload format's rules (§4.4 aggregation header, §4.5 packetization):
 * what a receiver following the format reassembles is exactly the OBUs given, every payload fits the
 * MTU, Z/Y agree across packets, N only on a new coded video sequence's first packet, the marker only
 * on the last.
 */
class Av1PacketizerTest {
  /** Every list of payloads a test made: their pooled buffers go back after it (left to the GC, Netty's
   * leak detector reported hundreds of them later, from whatever thread of the test JVM allocated next). */
  private final List<List<Av1Packetizer.Payload>> made = new ArrayList<>();

  private List<Av1Packetizer.Payload> out() {
    List<Av1Packetizer.Payload> out = new ArrayList<>();
    made.add(out);
    return out;
  }

  @AfterEach
  void releasePayloads() {
    for (List<Av1Packetizer.Payload> out : made) {
      for (Av1Packetizer.Payload p : out) assertThat(p.bytes().release()).as("the payload's only reference").isTrue();
    }
  }

  @Test
  void smallObusAreAggregatedIntoOnePacketWithTheirLengths() {
    List<byte[]> obus = List.of(obu(1, 10), obu(6, 40)); // a sequence header and a frame
    List<Av1Packetizer.Payload> out = out();
    new Av1Packetizer(ByteBufAllocator.DEFAULT, 1200).packetize(obus, true, out);
    assertThat(out).hasSize(1);
    byte[] p = bytes(out.getFirst());
    assertThat(p[0] & 0xff).as("Z=0 Y=0 W=0 N=1").isEqualTo(0x08);
    assertThat(p[1]).as("first element's LEB128 length").isEqualTo((byte) 10);
    assertThat(p[12]).as("second element's length").isEqualTo((byte) 40);
    assertThat(p).hasSize(1 + 1 + 10 + 1 + 40);
    assertThat(out.getFirst().marker()).isTrue();
    assertThat(reassemble(out)).containsExactlyElementsOf(obus);
  }

  @Test
  void aLargeObuIsSplitWithYThenZAndEveryPayloadFits() {
    byte[] frame = obu(6, 5000);
    List<Av1Packetizer.Payload> out = out();
    new Av1Packetizer(ByteBufAllocator.DEFAULT, 1200).packetize(List.of(obu(1, 12), frame), false, out);
    assertThat(out.size()).isGreaterThanOrEqualTo(5);
    for (int i = 0; i < out.size(); i++) {
      byte[] p = bytes(out.get(i));
      assertThat(p.length).isLessThanOrEqualTo(1200);
      boolean z = (p[0] & 0x80) != 0;
      boolean y = (p[0] & 0x40) != 0;
      assertThat(p[0] & 0x30).as("W = 0").isZero();
      assertThat(p[0] & 0x08).as("N only for a new coded video sequence").isZero();
      assertThat(z).as("packet %d continues the previous one", i).isEqualTo(i > 0);
      assertThat(y).as("packet %d goes on in the next", i).isEqualTo(i < out.size() - 1);
      assertThat(out.get(i).marker()).isEqualTo(i == out.size() - 1);
    }
    assertThat(reassemble(out)).containsExactly(obu(1, 12), frame);
  }

  @Test
  void randomTemporalUnitsRoundTripAtEveryMtu() {
    Random r = new Random(7);
    for (int run = 0; run < 300; run++) {
      int mtu = 8 + r.nextInt(1400);
      List<byte[]> obus = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
        obus.add(obu(1 + r.nextInt(7), 1 + r.nextInt(r.nextBoolean() ? 100 : 20_000)));
      }
      List<Av1Packetizer.Payload> out = out();
      new Av1Packetizer(ByteBufAllocator.DEFAULT, mtu).packetize(obus, run % 2 == 0, out);
      for (Av1Packetizer.Payload p : out) {
        assertThat(p.bytes().readableBytes()).as("mtu %d", mtu).isLessThanOrEqualTo(mtu);
      }
      assertThat(bytes(out.getFirst())[0] & 0x08).isEqualTo(run % 2 == 0 ? 0x08 : 0);
      assertThat(out.stream().filter(Av1Packetizer.Payload::marker)).hasSize(1);
      assertThat(reassemble(out)).as("mtu %d", mtu).containsExactlyElementsOf(obus);
    }
  }

  @Test
  void nothingToSendIsNoPacket() {
    List<Av1Packetizer.Payload> out = out();
    new Av1Packetizer(ByteBufAllocator.DEFAULT).packetize(List.of(), true, out);
    assertThat(out).isEmpty();
  }

  /** A receiver per the format, W = 0 and W = 1..3 alike: OBU elements, fragments joined across Z/Y. */
  static List<byte[]> reassemble(List<Av1Packetizer.Payload> packets) {
    List<byte[]> obus = new ArrayList<>();
    ByteArrayOutputStream partial = null;
    for (Av1Packetizer.Payload payload : packets) {
      byte[] p = bytes(payload);
      boolean z = (p[0] & 0x80) != 0;
      boolean y = (p[0] & 0x40) != 0;
      int w = (p[0] >> 4) & 3;
      int pos = 1;
      int element = 0;
      assertThat(z).as("Z exactly when a fragment is pending").isEqualTo(partial != null);
      while (pos < p.length) {
        element++;
        int len;
        if (w != 0 && element == w) {
          len = p.length - pos;
        } else {
          int v = 0;
          int shift = 0;
          int c;
          do {
            c = p[pos++] & 0xff;
            v |= (c & 0x7f) << shift;
            shift += 7;
          } while ((c & 0x80) != 0);
          len = v;
        }
        assertThat(len).as("no empty element").isPositive();
        boolean lastElement = pos + len >= p.length;
        if (element == 1 && z) {
          partial.write(p, pos, len);
        } else {
          partial = new ByteArrayOutputStream();
          partial.write(p, pos, len);
        }
        pos += len;
        if (!(lastElement && y)) {
          obus.add(partial.toByteArray());
          partial = null;
        }
      }
    }
    assertThat(partial).as("no fragment left open").isNull();
    return obus;
  }

  private static byte[] obu(int type, int size) {
    byte[] b = new byte[size];
    new Random(type * 31L + size).nextBytes(b);
    b[0] = (byte) (type << 3); // header: no extension, no size field
    return b;
  }

  private static byte[] bytes(Av1Packetizer.Payload p) {
    byte[] b = new byte[p.bytes().readableBytes()];
    p.bytes().getBytes(p.bytes().readerIndex(), b);
    return b;
  }
}
