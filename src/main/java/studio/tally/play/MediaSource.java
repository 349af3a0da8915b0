package studio.tally.play;

import io.netty.buffer.ByteBuf;

/**
 * Where a {@link Player} gets its media: one transport (HTTP-FLV, RTMP) that hands over FLV-style
 * tags — the audio/video tag bodies FLV and RTMP share — for the player to decode. A WHEP source
 * will receive and decode through libwebrtc instead and feed the player's {@link QaMeter} with
 * pictures directly; the Player API and the report stay the same.
 */
interface MediaSource extends AutoCloseable {

  /** Makes the source on the player's event loop group. */
  interface Factory {
    MediaSource create(io.netty.channel.EventLoopGroup group);
  }

  /** What a source reports, on its network thread. */
  interface Events {
    /** Playing has begun: the transport is up and the server accepted the request. */
    void connected();

    /** One audio (8), video (9) or script (18) tag body; the caller keeps ownership of body. */
    void tag(int type, long timestampMs, ByteBuf body);

    /** The source ended; reported once. */
    void ended(PlayFailure failure);
  }

  /** Starts connecting. */
  void start(Events events);

  /** Stops or resumes reading from the network (the decode thread's backpressure); any thread. */
  void setReading(boolean reading);

  @Override
  void close();
}
