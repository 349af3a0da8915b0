package studio.tally.server.webrtc.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class PacketCacheTest {
  private static ByteBuf packet(int seq, int size) {
    ByteBuf b = Unpooled.buffer(size);
    b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(42);
    while (b.readableBytes() < size) {
      b.writeByte(seq);
    }
    return b;
  }

  private static void put(PacketCache c, int seq, int size, long now) {
    ByteBuf b = packet(seq, size);
    try {
      c.put(b, b.readerIndex(), b.readableBytes(), seq, now);
    } finally {
      b.release();
    }
  }

  @Test
  void handsOutWhatItHoldsByOriginalSequence() {
    try (PacketCache c = new PacketCache(PooledByteBufAllocator.DEFAULT, 16, 100, 1_000_000)) {
      for (int seq = 65530; seq < 65540; seq++) { // across the wrap
        put(c, seq & 0xffff, 20 + (seq & 7), 0);
      }
      ByteBuf got = c.get(65535, 10);
      assertThat(got.readableBytes()).isEqualTo(20 + (65535 & 7));
      assertThat(ByteBufUtil.getBytes(got)).isEqualTo(ByteBufUtil.getBytes(packet(65535, 20 + 7)));
      assertThat(c.get(3, 10).getUnsignedShort(2)).isEqualTo(3);
      assertThat(c.get(4, 10)).isNull(); // never stored
      assertThat(c.contains(65530, 10)).isTrue();
    }
  }

  @Test
  void aNewerPacketInTheSameSlotEvictsTheOlder() {
    try (PacketCache c = new PacketCache(PooledByteBufAllocator.DEFAULT, 16, 100, 1_000_000)) {
      put(c, 100, 30, 0);
      put(c, 116, 30, 0);
      assertThat(c.get(100, 0)).isNull();
      assertThat(c.get(116, 0)).isNotNull();
    }
  }

  @Test
  void oldPacketsAndOversizedOnesAreNotHandedOut() {
    try (PacketCache c = new PacketCache(PooledByteBufAllocator.DEFAULT, 16, 100, 1_000_000)) {
      put(c, 1, 30, 0);
      assertThat(c.get(1, 1_000_000)).isNotNull();
      assertThat(c.get(1, 1_000_001)).isNull();
      ByteBuf big = packet(2, 101);
      assertThat(c.put(big, 0, big.readableBytes(), 2, 0)).isFalse();
      big.release();
      assertThat(c.get(2, 0)).isNull();
      c.clear();
      assertThat(c.get(1, 0)).isNull();
    }
  }

  @Test
  void closedCacheHoldsNothingAndClosesOnce() {
    PacketCache c = PacketCache.withDefaults(PooledByteBufAllocator.DEFAULT);
    put(c, 5, 1200, 0);
    c.close();
    c.close(); // idempotent: a second release would throw IllegalReferenceCountException
    assertThat(c.get(5, 0)).isNull();
    put(c, 6, 100, 0); // ignored, no use after free
    assertThat(c.contains(6, 0)).isFalse();
  }
}
