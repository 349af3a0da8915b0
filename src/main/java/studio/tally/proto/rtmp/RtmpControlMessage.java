package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Protocol control messages (Adobe RTMP spec 1.0 section 5.4) and user control messages (section
 * 6.2, events in {@link RtmpUserControlEvent}). They travel on chunk stream 2, message stream 0.
 *
 * <pre>
 *  1 Set Chunk Size              |0| chunk size (31)                         (we accept 1..0xFFFFFF)
 *  2 Abort Message               chunk stream id (32)
 *  3 Acknowledgement             sequence number (32) = bytes received so far
 *  5 Window Acknowledgement Size window size (32)
 *  6 Set Peer Bandwidth          window size (32) | limit type (8): 0 hard, 1 soft, 2 dynamic
 *  4 User Control                event type (16) | event data
 * </pre>
 */
public sealed interface RtmpControlMessage {

  int typeId();

  /** Writes the message body. */
  void encodeBody(ByteBuf out);

  /** This message on chunk stream 2, message stream 0, timestamp 0. */
  default RtmpMessage toMessage(ByteBufAllocator alloc) {
    ByteBuf body = alloc.buffer(10);
    encodeBody(body);
    return new RtmpMessage(RtmpChunkStreamId.CONTROL, typeId(), 0, 0, body);
  }

  static boolean isControl(int typeId) {
    return typeId >= RtmpMessageType.SET_CHUNK_SIZE && typeId <= RtmpMessageType.SET_PEER_BANDWIDTH;
  }

  /**
   * Decodes a control message (types 1-6). Reads the payload without moving its reader index.
   *
   * @throws RtmpException if the type is not a control type or the body is short or out of range
   */
  static RtmpControlMessage decode(RtmpMessage message) {
    ByteBuf body = message.payload();
    return switch (message.typeId()) {
      case RtmpMessageType.SET_CHUNK_SIZE -> SetChunkSize.decode(body);
      case RtmpMessageType.ABORT -> Abort.decode(body);
      case RtmpMessageType.ACKNOWLEDGEMENT -> new Acknowledgement(u32(body, 0, "acknowledgement sequence number"));
      case RtmpMessageType.WINDOW_ACK_SIZE -> new WindowAcknowledgementSize(u32(body, 0, "window acknowledgement size"));
      case RtmpMessageType.SET_PEER_BANDWIDTH -> {
        long size = u32(body, 0, "peer bandwidth window size");
        if (body.readableBytes() < 5) {
          throw new RtmpException("rtmp: set peer bandwidth limit type missing");
        }
        yield new SetPeerBandwidth(size, LimitType.of(body.getUnsignedByte(body.readerIndex() + 4)));
      }
      case RtmpMessageType.USER_CONTROL -> new UserControl(RtmpUserControlEvent.decode(body));
      default -> throw new RtmpException("rtmp: message type " + message.typeId() + " is not a control message");
    };
  }

  /** Reads an unsigned 32-bit field at {@code offset} from the reader index. */
  static long u32(ByteBuf body, int offset, String field) {
    if (body.readableBytes() < offset + 4) {
      throw new RtmpException("rtmp: " + field + " truncated (" + body.readableBytes() + " bytes)");
    }
    return body.getUnsignedInt(body.readerIndex() + offset);
  }

  /** Type 1: the largest chunk the sender will use from now on. */
  record SetChunkSize(int chunkSize) implements RtmpControlMessage {
    public SetChunkSize {
      if (chunkSize < 1 || chunkSize > RtmpChunkDecoder.MAX_CHUNK_SIZE) {
        throw new RtmpException("rtmp: chunk size " + chunkSize + " out of range 1.." + RtmpChunkDecoder.MAX_CHUNK_SIZE);
      }
    }

    static SetChunkSize decode(ByteBuf body) {
      long size = u32(body, 0, "chunk size");
      if (size < 1 || size > RtmpChunkDecoder.MAX_CHUNK_SIZE) {
        throw new RtmpException("rtmp: chunk size " + size + " out of range 1.." + RtmpChunkDecoder.MAX_CHUNK_SIZE);
      }
      return new SetChunkSize((int) size);
    }

    @Override
    public int typeId() {
      return RtmpMessageType.SET_CHUNK_SIZE;
    }

    @Override
    public void encodeBody(ByteBuf out) {
      out.writeInt(chunkSize);
    }
  }

  /** Type 2: discard the partly received message on a chunk stream. */
  record Abort(int chunkStreamId) implements RtmpControlMessage {
    static Abort decode(ByteBuf body) {
      return new Abort((int) u32(body, 0, "abort chunk stream id"));
    }

    @Override
    public int typeId() {
      return RtmpMessageType.ABORT;
    }

    @Override
    public void encodeBody(ByteBuf out) {
      out.writeInt(chunkStreamId);
    }
  }

  /** Type 3: bytes received so far (wraps at 2^32). */
  record Acknowledgement(long sequenceNumber) implements RtmpControlMessage {
    @Override
    public int typeId() {
      return RtmpMessageType.ACKNOWLEDGEMENT;
    }

    @Override
    public void encodeBody(ByteBuf out) {
      out.writeInt((int) sequenceNumber);
    }
  }

  /** Type 5: send an Acknowledgement after this many bytes. */
  record WindowAcknowledgementSize(long windowSize) implements RtmpControlMessage {
    @Override
    public int typeId() {
      return RtmpMessageType.WINDOW_ACK_SIZE;
    }

    @Override
    public void encodeBody(ByteBuf out) {
      out.writeInt((int) windowSize);
    }
  }

  /** Type 6: limit the peer's output bandwidth (its window acknowledgement size). */
  record SetPeerBandwidth(long windowSize, LimitType limitType) implements RtmpControlMessage {
    @Override
    public int typeId() {
      return RtmpMessageType.SET_PEER_BANDWIDTH;
    }

    @Override
    public void encodeBody(ByteBuf out) {
      out.writeInt((int) windowSize).writeByte(limitType.ordinal());
    }
  }

  /** Set Peer Bandwidth limit types; the ordinal is the wire value. */
  enum LimitType {
    HARD, SOFT, DYNAMIC;

    static LimitType of(int value) {
      if (value > 2) {
        throw new RtmpException("rtmp: set peer bandwidth limit type " + value + " not in 0..2");
      }
      return values()[value];
    }
  }

  /** Type 4: a user control event. */
  record UserControl(RtmpUserControlEvent event) implements RtmpControlMessage {
    @Override
    public int typeId() {
      return RtmpMessageType.USER_CONTROL;
    }

    @Override
    public void encodeBody(ByteBuf out) {
      event.encode(out);
    }
  }
}
