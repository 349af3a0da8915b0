package studio.tally.proto.rtmp;

/**
 * Bounds the chunk decoder enforces on what a peer may make it hold.
 *
 * @param maxMessageLength largest message (payload bytes) accepted; checked before any buffer is
 *                         allocated, and buffers grow only as payload actually arrives
 * @param maxChunkStreams  most distinct chunk stream ids one connection may use
 */
public record RtmpLimits(int maxMessageLength, int maxChunkStreams) {
  /** 8 MiB messages (a 4K keyframe fits), 64 chunk streams (FFmpeg and OBS use fewer than 10). */
  public static final RtmpLimits DEFAULT = new RtmpLimits(8 << 20, 64);

  public RtmpLimits {
    if (maxMessageLength < 0 || maxMessageLength > 0xFFFFFF) {
      throw new IllegalArgumentException("maxMessageLength must be 0..16777215: " + maxMessageLength);
    }
    if (maxChunkStreams < 1) {
      throw new IllegalArgumentException("maxChunkStreams must be positive: " + maxChunkStreams);
    }
  }
}
