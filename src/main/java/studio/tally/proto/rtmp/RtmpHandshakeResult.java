package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;

/**
 * What one {@code consume} call of a handshake produced.
 *
 * @param toWrite bytes to send to the peer now (caller owns and must write or release them), or
 *                {@code null} when there is nothing to send yet
 * @param done    the handshake is complete; bytes left in the input belong to the chunk stream
 */
public record RtmpHandshakeResult(ByteBuf toWrite, boolean done) {
  static final RtmpHandshakeResult NEED_MORE = new RtmpHandshakeResult(null, false);
  static final RtmpHandshakeResult DONE = new RtmpHandshakeResult(null, true);
}
