package studio.tally.proto.rtmp;

import static studio.tally.proto.rtmp.RtmpControlMessage.u32;

import io.netty.buffer.ByteBuf;

/**
 * User control events (Adobe RTMP spec 1.0 section 7.1.7), the body of message type 4.
 *
 * <pre>
 *  event type (16) | event data
 *  0 Stream Begin        stream id (32)
 *  1 Stream EOF          stream id (32)
 *  2 Stream Dry          stream id (32)
 *  3 Set Buffer Length   stream id (32) | buffer length in ms (32)
 *  4 Stream Is Recorded  stream id (32)
 *  6 Ping Request        timestamp (32)
 *  7 Ping Response       timestamp (32)
 * </pre>
 * Other event types (FMS's buffer empty/ready 31/32, SWF verification 26/27) decode to
 * {@link Unknown} rather than failing.
 */
public sealed interface RtmpUserControlEvent {
  int STREAM_BEGIN = 0;
  int STREAM_EOF = 1;
  int STREAM_DRY = 2;
  int SET_BUFFER_LENGTH = 3;
  int STREAM_IS_RECORDED = 4;
  int PING_REQUEST = 6;
  int PING_RESPONSE = 7;

  int eventType();

  void encode(ByteBuf out);

  static RtmpUserControlEvent decode(ByteBuf body) {
    if (body.readableBytes() < 2) {
      throw new RtmpException("rtmp: user control event type truncated (" + body.readableBytes() + " bytes)");
    }
    int type = body.getUnsignedShort(body.readerIndex());
    return switch (type) {
      case STREAM_BEGIN -> new StreamBegin((int) u32(body, 2, "stream begin stream id"));
      case STREAM_EOF -> new StreamEof((int) u32(body, 2, "stream eof stream id"));
      case STREAM_DRY -> new StreamDry((int) u32(body, 2, "stream dry stream id"));
      case SET_BUFFER_LENGTH -> new SetBufferLength((int) u32(body, 2, "set buffer length stream id"),
          u32(body, 6, "set buffer length milliseconds"));
      case STREAM_IS_RECORDED -> new StreamIsRecorded((int) u32(body, 2, "stream is recorded stream id"));
      case PING_REQUEST -> new PingRequest(u32(body, 2, "ping request timestamp"));
      case PING_RESPONSE -> new PingResponse(u32(body, 2, "ping response timestamp"));
      default -> new Unknown(type);
    };
  }

  record StreamBegin(int streamId) implements RtmpUserControlEvent {
    public int eventType() { return STREAM_BEGIN; }
    public void encode(ByteBuf out) { out.writeShort(STREAM_BEGIN).writeInt(streamId); }
  }

  record StreamEof(int streamId) implements RtmpUserControlEvent {
    public int eventType() { return STREAM_EOF; }
    public void encode(ByteBuf out) { out.writeShort(STREAM_EOF).writeInt(streamId); }
  }

  record StreamDry(int streamId) implements RtmpUserControlEvent {
    public int eventType() { return STREAM_DRY; }
    public void encode(ByteBuf out) { out.writeShort(STREAM_DRY).writeInt(streamId); }
  }

  record SetBufferLength(int streamId, long bufferMillis) implements RtmpUserControlEvent {
    public int eventType() { return SET_BUFFER_LENGTH; }
    public void encode(ByteBuf out) { out.writeShort(SET_BUFFER_LENGTH).writeInt(streamId).writeInt((int) bufferMillis); }
  }

  record StreamIsRecorded(int streamId) implements RtmpUserControlEvent {
    public int eventType() { return STREAM_IS_RECORDED; }
    public void encode(ByteBuf out) { out.writeShort(STREAM_IS_RECORDED).writeInt(streamId); }
  }

  record PingRequest(long timestamp) implements RtmpUserControlEvent {
    public int eventType() { return PING_REQUEST; }
    public void encode(ByteBuf out) { out.writeShort(PING_REQUEST).writeInt((int) timestamp); }
  }

  record PingResponse(long timestamp) implements RtmpUserControlEvent {
    public int eventType() { return PING_RESPONSE; }
    public void encode(ByteBuf out) { out.writeShort(PING_RESPONSE).writeInt((int) timestamp); }
  }

  /** An event type this codec does not interpret; encodes as the bare type. */
  record Unknown(int eventType) implements RtmpUserControlEvent {
    public void encode(ByteBuf out) { out.writeShort(eventType); }
  }
}
