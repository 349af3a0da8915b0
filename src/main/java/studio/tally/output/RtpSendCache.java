package studio.tally.output;

/**
 * The last {@code capacity} RTP packets sent on one SSRC, by sequence number, for NACK (RFC 4585
 * §6.2.1). Fixed size: an old packet is overwritten, never queued. Plain (unprotected) bytes: a
 * retransmission is protected again with its own SRTP index. Not thread-safe (one event loop).
 */
final class RtpSendCache {
  private final byte[][] packets;
  private final int[] seqs;

  RtpSendCache(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    packets = new byte[capacity][];
    seqs = new int[capacity];
  }

  void put(int seq, byte[] packet) {
    int i = seq & (packets.length - 1);
    packets[i] = packet;
    seqs[i] = seq & 0xFFFF;
  }

  /** The packet sent with {@code seq}, or null when it is no longer (or never was) in the cache. */
  byte[] get(int seq) {
    int i = seq & (packets.length - 1);
    return packets[i] != null && seqs[i] == (seq & 0xFFFF) ? packets[i] : null;
  }
}
