package studio.tally.proto.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.Hex;

class RtpPacketTest {
  // V=2 P X CC=1 | M PT=96 | seq 0x1234 | ts 100 | SSRC | CSRC | 0xBEDE len 2 | id1 [aa] id2 [bb cc] pad | 010203 | pad 3
  static final String FULL = """
      b1 e0 1234 00000064 deadbeef
      cafebabe
      bede 0002  10 aa 21 bb cc 000000
      010203
      000003""";

  @Test
  void parsesEveryField() {
    ByteBuf b = Hex.buf(FULL);
    RtpPacket p = RtpPacket.parse(b);
    assertTrue(p.padding());
    assertTrue(p.marker());
    assertEquals(96, p.payloadType());
    assertEquals(0x1234, p.sequence());
    assertEquals(100, p.timestamp());
    assertEquals(0xdeadbeef, p.ssrc());
    assertArrayEquals(new int[] {0xcafebabe}, p.csrcs());
    assertEquals(0xBEDE, p.extensionProfile());
    assertEquals(20, p.extensionOffset());
    assertEquals(8, p.extensionLength());
    assertEquals(28, p.payloadOffset());
    assertEquals(3, p.payloadLength());
    assertEquals(3, p.paddingLength());
    List<RtpExtension> ext = p.extensions(b, 0);
    assertEquals(List.of(new RtpExtension(1, 21, 1), new RtpExtension(2, 23, 2)), ext);
  }

  @Test
  void twoByteExtensionForm() {
    ByteBuf b = Hex.buf("90 60 0001 00000000 00000001  1000 0001 05 02 aabb  ff");
    RtpPacket p = RtpPacket.parse(b);
    assertEquals(List.of(new RtpExtension(5, 18, 2)), p.extensions(b, 0));
    assertEquals(1, p.payloadLength());
  }

  @Test
  void strictParsing() {
    assertThrows(RtpException.class, () -> RtpPacket.parse(Hex.buf("40 60 0001 00000000 00000001")));
    assertThrows(RtpException.class, () -> RtpPacket.parse(Hex.buf("81 60 0001 00000000 00000001")));
    assertThrows(RtpException.class, () -> RtpPacket.parse(Hex.buf("90 60 0001 00000000 00000001 bede 0005 00000000")));
    assertThrows(RtpException.class, () -> RtpPacket.parse(Hex.buf("a0 60 0001 00000000 00000001 aa 05")));
    assertThrows(RtpException.class, () -> RtpPacket.parse(Hex.buf("a0 60 0001 00000000 00000001 aa 00")));
    assertThrows(RtpException.class, () -> RtpPacket.parse(Hex.buf("80 60 0001 00000000 000000")));
    ByteBuf badElement = Hex.buf("90 60 0001 00000000 00000001 bede 0001 13 aabb00"); // id1 claims 4 bytes
    assertThrows(RtpException.class, () -> RtpPacket.parse(badElement).extensions(badElement, 0));
  }

  @Test
  void inPlaceRewriting() {
    ByteBuf b = Unpooled.buffer().writeZero(3).writeBytes(Hex.bytes(FULL));
    RtpPacket.setSequence(b, 3, 0xfffe);
    RtpPacket.setTimestamp(b, 3, 0xfedcba98L);
    RtpPacket.setSsrc(b, 3, 0x01020304);
    RtpPacket.setPayloadType(b, 3, 111);
    RtpPacket p = RtpPacket.parse(b, 3, b.readableBytes() - 3);
    assertEquals(0xfffe, p.sequence());
    assertEquals(0xfedcba98L, p.timestamp());
    assertEquals(0x01020304, p.ssrc());
    assertEquals(111, p.payloadType());
    assertTrue(p.marker());
    // same-length overwrite, then a new element into the padding, then no room
    assertTrue(p.setExtension(b, 3, 1, new byte[] {0x11}));
    assertTrue(p.setExtension(b, 3, 3, new byte[] {0x22, 0x33}));
    assertFalse(p.setExtension(b, 3, 4, new byte[] {0x44}));
    List<RtpExtension> ext = RtpPacket.parse(b, 3, b.readableBytes() - 3).extensions(b, 3);
    assertEquals(3, ext.size());
    assertEquals(0x11, b.getByte(3 + ext.get(0).offset()));
    assertEquals(new RtpExtension(3, 26, 2), ext.get(2));
  }

  @Test
  void writeAndParseBack() {
    ByteBuf out = Unpooled.buffer();
    RtpPacket.writeHeader(out, true, 96, 7, 90_000, 0x11, new int[0],
        List.of(new RtpPacket.Element(3, new byte[] {1, 2, 3}), new RtpPacket.Element(9, new byte[] {4})));
    out.writeBytes(new byte[] {9, 9});
    assertEquals("90e0000700015f9000000011bede0002 320102039004 0000 0909".replace(" ", ""), ByteBufUtil.hexDump(out));
    RtpPacket p = RtpPacket.parse(out);
    assertEquals(2, p.payloadLength());
    assertEquals(2, p.extensions(out, 0).size());

    ByteBuf two = Unpooled.buffer();
    RtpPacket.writeHeader(two, false, 96, 7, 0, 1, new int[] {5}, List.of(new RtpPacket.Element(20, new byte[0])));
    RtpPacket q = RtpPacket.parse(two);
    assertEquals(0x1000, q.extensionProfile());
    assertEquals(List.of(new RtpExtension(20, 22, 0)), q.extensions(two, 0));
  }

  @Test
  void sequenceNumberMath() {
    assertTrue(SeqNum.isNewer(1, 65535));
    assertFalse(SeqNum.isNewer(65535, 1));
    assertFalse(SeqNum.isNewer(5, 5));
    assertEquals(-2, SeqNum.distance(65535, 1));
    SeqNum.Unwrapper u = new SeqNum.Unwrapper();
    assertEquals(65534, u.unwrap(65534));
    assertEquals(65536 + 1, u.unwrap(1));
    assertEquals(65535, u.unwrap(65535)); // late, before the wrap
    assertEquals(65536 + 30000, u.unwrap(30000));
    assertEquals(65536 + 60000, u.unwrap(60000));
    assertEquals(2 * 65536 + 2, u.unwrap(2));
    assertEquals(2 * 65536 + 2, u.highest());
  }
}
