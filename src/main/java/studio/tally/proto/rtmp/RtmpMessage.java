package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One RTMP message as carried by the chunk stream (spec section 5.3 / 6.1): header fields and the
 * payload. The payload is reference counted; whoever holds the message owns one reference and must
 * {@link #release()} it (the decoder hands out messages with a reference count of 1).
 *
 * @param chunkStreamId   2..65599; the encoder sends the message on this chunk stream
 * @param typeId          {@link RtmpMessageType}
 * @param timestamp       unsigned 32-bit milliseconds (0..0xFFFFFFFF)
 * @param messageStreamId 0 for the NetConnection, else the stream id from createStream
 * @param payload         the message body; its readable bytes are the message
 */
public record RtmpMessage(int chunkStreamId, int typeId, long timestamp, int messageStreamId, ByteBuf payload) {
  public RtmpMessage {
    Objects.requireNonNull(payload, "payload");
    if (typeId < 0 || typeId > 0xFF) {
      throw new IllegalArgumentException("typeId must be 0..255: " + typeId);
    }
    if (timestamp < 0 || timestamp > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("timestamp must be an unsigned 32-bit value: " + timestamp);
    }
  }

  public int length() {
    return payload.readableBytes();
  }

  /** Releases one reference of the payload; returns true when it was deallocated. */
  public boolean release() {
    return payload.release();
  }

  /** Adds one reference to the payload (for handing the same message to one more owner). */
  public RtmpMessage retain() {
    payload.retain();
    return this;
  }

  /** A message with the same payload (one more reference) and other routing fields, e.g. per player. */
  public RtmpMessage retainedWith(int chunkStreamId, long timestamp, int messageStreamId) {
    return new RtmpMessage(chunkStreamId, typeId, timestamp, messageStreamId, payload.retainedDuplicate());
  }

  @Override
  public String toString() {
    return "RtmpMessage[cs=" + chunkStreamId + ", type=" + typeId + ", ts=" + timestamp + ", msid=" + messageStreamId
        + ", length=" + payload.readableBytes() + "]";
  }
}
