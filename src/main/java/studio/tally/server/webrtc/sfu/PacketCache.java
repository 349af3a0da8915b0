package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * The last {@code slots} video packets of a publisher, by their original sequence number, so player
 * NACKs can be answered (RFC 4585 §6.2.1, RFC 4588). One slab buffer of {@code slots × slotBytes}
 * allocated once: storing a packet copies it into its slot and allocates nothing, so the cache holds
 * exactly one reference count. Packets older than {@code maxAgeMicros} are not handed out (a late
 * retransmission only disturbs a jitter buffer that gave up on it). Not thread-safe: used on the
 * publisher's event loop only.
 */
final class PacketCache implements AutoCloseable {
  static final int DEFAULT_SLOTS = 1024;
  /** Above any WebRTC packet (libwebrtc sends ≤ 1200 B); bigger packets are not cached. */
  static final int DEFAULT_SLOT_BYTES = 1500;
  static final long DEFAULT_MAX_AGE_MICROS = 2_000_000;

  private final int mask;
  private final int slotBytes;
  private final long maxAgeMicros;
  private final ByteBuf slab;
  private final int[] seqs;
  private final int[] lengths;
  private final long[] storedAt;
  private boolean closed;

  PacketCache(ByteBufAllocator alloc, int slots, int slotBytes, long maxAgeMicros) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("packet cache slots " + slots + " is not a power of two");
    }
    this.mask = slots - 1;
    this.slotBytes = slotBytes;
    this.maxAgeMicros = maxAgeMicros;
    this.slab = alloc.heapBuffer(slots * slotBytes, slots * slotBytes);
    this.slab.writerIndex(slab.capacity());
    this.seqs = new int[slots];
    this.lengths = new int[slots];
    this.storedAt = new long[slots];
    Arrays.fill(seqs, -1);
  }

  static PacketCache withDefaults(ByteBufAllocator alloc) {
    return new PacketCache(alloc, DEFAULT_SLOTS, DEFAULT_SLOT_BYTES, DEFAULT_MAX_AGE_MICROS);
  }

  /** Copies the packet {@code buf[at, at+length)} with sequence number {@code seq}; false if too big. */
  boolean put(ByteBuf buf, int at, int length, int seq, long nowMicros) {
    if (closed || length > slotBytes) {
      return false;
    }
    int slot = seq & mask;
    slab.setBytes(slot * slotBytes, buf, at, length);
    seqs[slot] = seq & 0xffff;
    lengths[slot] = length;
    storedAt[slot] = nowMicros;
    return true;
  }

  /** Whether packet {@code seq} is held (and young enough to be handed out). */
  boolean contains(int seq, long nowMicros) {
    int slot = seq & mask;
    return !closed && seqs[slot] == (seq & 0xffff) && nowMicros - storedAt[slot] <= maxAgeMicros;
  }

  /**
   * Packet {@code seq} as a view into the cache (readable bytes = the packet), or null. Valid until the
   * next {@link #put}; the caller neither retains nor releases it.
   */
  ByteBuf get(int seq, long nowMicros) {
    if (!contains(seq, nowMicros)) {
      return null;
    }
    int slot = seq & mask;
    return slab.slice(slot * slotBytes, lengths[slot]);
  }

  /** Forgets every packet (a new source SSRC: its sequence numbers are another space). */
  void clear() {
    Arrays.fill(seqs, -1);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      slab.release();
    }
  }
}
