package studio.tally.media;

/**
 * Where an encode session delivers: the format once, then packets in decode order (audio and video
 * interleaved by time). Implementations must not block the caller for long — a slow output queues
 * or drops on its own, never stalling the encoder or the other outputs.
 */
public interface PacketSink extends AutoCloseable {

  void onFormat(StreamFormat format);

  void onPacket(EncodedPacket packet);

  /** The session ended (cleanly or not); flush and release. */
  @Override
  void close();
}
