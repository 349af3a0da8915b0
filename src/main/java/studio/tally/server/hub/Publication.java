package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;

/** A publisher's handle on its stream. Close it when the publisher goes. */
public interface Publication extends AutoCloseable {

  LiveStream stream();

  /** Hands over one audio/video/script body (ownership passes to the hub) at the publisher's timestamp. */
  void onMedia(MediaTag.Kind kind, long timestamp, ByteBuf body);

  /** False once another publisher took the stream over (media from this one is then ignored). */
  boolean isActive();

  @Override
  void close();
}
