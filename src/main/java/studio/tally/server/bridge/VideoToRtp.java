package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import java.util.List;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * One video codec's way from the hub's access units to RTP ({@link H264ToRtp}, {@link Av1ToRtp}):
 * our own SSRC, sequence and timestamps (the SFU rewrites them per player). Not thread-safe.
 */
interface VideoToRtp {

  /** RTP packets of one access unit (each owned by the caller), and whether they start a keyframe. */
  record Packets(List<ByteBuf> packets, boolean keyframe) {}

  /** What players are offered, from the track's configuration record; throws ProtocolException if bad. */
  Negotiated.CodecChoice codec(byte[] config);

  /** Takes a new configuration record (the sequence header's body); throws ProtocolException if bad. */
  void configure(byte[] config);

  boolean configured();

  /** Packetizes one access unit ({@code payload} not consumed); empty when nothing is left to send. */
  Packets packetize(ByteBuf payload, long dtsMillis, boolean keyframe, boolean dropBFrames);

  /** Our RTP timestamp of stream time {@code millis}. */
  long timestamp(long millis);

  /** B-frames dropped so far (H.264 only). */
  default long droppedBFrames() {
    return 0;
  }
}
