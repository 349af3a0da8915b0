package studio.tally.proto.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TrackingAllocator;

class Rfc4571FramerTest {
  private static byte[] framed(byte[]... packets) {
    ByteBuf out = Unpooled.buffer();
    for (byte[] p : packets) {
      Rfc4571Framer.encode(Unpooled.wrappedBuffer(p), out);
    }
    return ByteBufUtil.getBytes(out);
  }

  private static List<byte[]> decode(Rfc4571Framer framer, byte[] stream, int piece, TrackingAllocator alloc) {
    List<byte[]> packets = new ArrayList<>();
    for (int i = 0; i < stream.length; i += piece) {
      int n = Math.min(piece, stream.length - i);
      ByteBuf in = alloc.heapBuffer(n).writeBytes(stream, i, n);
      List<ByteBuf> out = new ArrayList<>();
      try {
        framer.decode(in, out);
      } finally {
        in.release();
      }
      for (ByteBuf b : out) {
        packets.add(ByteBufUtil.getBytes(b));
        b.release();
      }
    }
    return packets;
  }

  @Test
  void anyFragmentationYieldsTheSamePackets() {
    byte[] a = Rfc5769Vectors.REQUEST;
    byte[] b = new byte[1500];
    b[0] = (byte) 0x80;
    byte[] stream = framed(a, new byte[0], b, new byte[] {0x16});
    for (int piece : new int[] {1, 2, 3, 7, 100, stream.length}) {
      TrackingAllocator alloc = new TrackingAllocator();
      Rfc4571Framer framer = new Rfc4571Framer(1500);
      List<byte[]> packets = decode(framer, stream, piece, alloc);
      assertEquals(3, packets.size(), "piece " + piece);
      assertArrayEquals(a, packets.get(0));
      assertArrayEquals(b, packets.get(1));
      assertArrayEquals(new byte[] {0x16}, packets.get(2));
      assertTrue(framer.isAtFrameBoundary());
      framer.close();
      assertEquals(0, alloc.live(), "piece " + piece);
    }
  }

  @Test
  void oversizedFrameFailsAndLaterInputIsRefused() {
    TrackingAllocator alloc = new TrackingAllocator();
    Rfc4571Framer framer = new Rfc4571Framer(1500);
    byte[] stream = framed(new byte[10], new byte[1501]);
    StunException e = assertThrows(StunException.class, () -> decode(framer, stream, 1, alloc));
    assertEquals("rfc4571: frame length 1501 above the limit 1500", e.getMessage());
    assertThrows(StunException.class, () -> framer.decode(Unpooled.wrappedBuffer(new byte[2]), new ArrayList<>()));
    assertEquals(0, alloc.live());
  }

  @Test
  void closeReleasesAPartialPacket() {
    TrackingAllocator alloc = new TrackingAllocator();
    Rfc4571Framer framer = new Rfc4571Framer(65535);
    byte[] stream = framed(new byte[100]);
    List<byte[]> none = decode(framer, java.util.Arrays.copyOf(stream, 50), 10, alloc);
    assertEquals(0, none.size());
    framer.close();
    assertEquals(0, alloc.live());
    assertThrows(StunException.class, () -> framer.decode(Unpooled.wrappedBuffer(new byte[2]), new ArrayList<>()));
  }

  @Test
  void encodeRejectsOversizedPackets() {
    assertThrows(IllegalArgumentException.class,
        () -> Rfc4571Framer.encode(Unpooled.wrappedBuffer(new byte[65536]), Unpooled.buffer()));
    assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff}, java.util.Arrays.copyOf(framed(new byte[65535]), 2));
  }
}
