package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits RTMP messages into chunks (Adobe RTMP spec 1.0 section 5.3; header layout in
 * {@link RtmpChunkDecoder}), compressing headers per chunk stream the way FFmpeg and nginx-rtmp do:
 * <ul>
 *   <li>fmt 0 for the first message on a chunk stream, a new message stream id, or a timestamp that
 *   goes backwards (or wraps);
 *   <li>fmt 1 when length or type changed, fmt 2 when only the timestamp delta changed;
 *   <li>fmt 3 when length, type and delta repeat (never right after a fmt 0 header, whose implied
 *   delta readers disagree on), and for every continuation chunk of a message.
 * </ul>
 * A timestamp or delta of 0xFFFFFF or more goes into the extended timestamp field, which is repeated
 * on the fmt 3 chunks that follow (as FFmpeg, OBS and the spec do).
 *
 * <p>The encoder never changes or releases the message it is given. {@link #encodeShared} emits the
 * payload as retained slices instead of copying it, so one payload can be fanned out to many
 * connections, each with its own encoder.
 */
public final class RtmpChunkEncoder {
  private static final class ChunkStream {
    long timestamp;
    long delta;
    boolean deltaFromFmt0;
    int length;
    int typeId;
    int messageStreamId;
    boolean extended;
    long extendedField;
  }

  private final Map<Integer, ChunkStream> streams = new HashMap<>();
  private int chunkSize = RtmpChunkDecoder.DEFAULT_CHUNK_SIZE;

  /** Chunk size for the messages encoded from now on. Send Set Chunk Size to the peer first. */
  public void setChunkSize(int chunkSize) {
    if (chunkSize < 1 || chunkSize > RtmpChunkDecoder.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size must be 1.." + RtmpChunkDecoder.MAX_CHUNK_SIZE + ": " + chunkSize);
    }
    this.chunkSize = chunkSize;
  }

  public int chunkSize() {
    return chunkSize;
  }

  /** Appends the chunks of {@code message} (headers and a copy of the payload) to {@code out}. */
  public void encode(RtmpMessage message, ByteBuf out) {
    ByteBuf payload = message.payload();
    int length = payload.readableBytes();
    int fmt = firstChunkFmt(message);
    ChunkStream cs = streams.get(message.chunkStreamId());
    int offset = 0;
    do {
      int n = Math.min(chunkSize, length - offset);
      writeHeader(out, fmt, message, cs, length);
      out.writeBytes(payload, payload.readerIndex() + offset, n);
      offset += n;
      fmt = 3;
    } while (offset < length);
  }

  /**
   * The chunks of {@code message} as a composite buffer of freshly written headers and retained
   * slices of the payload (no payload copy). The caller owns the result; the message stays the
   * caller's too.
   */
  public CompositeByteBuf encodeShared(RtmpMessage message, ByteBufAllocator alloc) {
    ByteBuf payload = message.payload();
    int length = payload.readableBytes();
    int firstFmt = firstChunkFmt(message);
    ChunkStream cs = streams.get(message.chunkStreamId());
    int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
    CompositeByteBuf result = alloc.compositeBuffer(2 * chunks);
    ByteBuf headers = alloc.buffer(18 + 7 * (chunks - 1));
    try {
      int fmt = firstFmt;
      int offset = 0;
      do {
        int n = Math.min(chunkSize, length - offset);
        int headerStart = headers.writerIndex();
        writeHeader(headers, fmt, message, cs, length);
        result.addComponent(true, headers.retainedSlice(headerStart, headers.writerIndex() - headerStart));
        if (n > 0) {
          result.addComponent(true, payload.retainedSlice(payload.readerIndex() + offset, n));
        }
        offset += n;
        fmt = 3;
      } while (offset < length);
    } catch (RuntimeException e) {
      result.release();
      throw e;
    } finally {
      headers.release();
    }
    return result;
  }

  /**
   * The chunks of {@code message} as any connection would send them if it had no state for that
   * chunk stream: a type-0 header, then type-3 continuations. The bytes depend only on the message
   * and {@code chunkSize}, so one encoding (one flat buffer, payload copied once) can be written to
   * every player. Each connection then calls {@link #forget} for the chunk stream, so its own next
   * message on it starts with a type-0 header as well.
   */
  public static ByteBuf encodeStandalone(RtmpMessage message, int chunkSize, ByteBufAllocator alloc) {
    RtmpChunkEncoder fresh = new RtmpChunkEncoder();
    fresh.setChunkSize(chunkSize);
    int length = message.payload().readableBytes();
    int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
    ByteBuf out = alloc.directBuffer(length + 18 + 7 * (chunks - 1));
    try {
      fresh.encode(message, out);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /** Drops what this encoder remembers of a chunk stream: its next message there gets a type-0 header. */
  public void forget(int chunkStreamId) {
    streams.remove(chunkStreamId);
  }

  /** Chooses the first chunk's fmt and updates the chunk stream's state to this message. */
  private int firstChunkFmt(RtmpMessage message) {
    int csid = message.chunkStreamId();
    if (csid < RtmpChunkStreamId.MIN || csid > RtmpChunkStreamId.MAX) {
      throw new IllegalArgumentException("chunk stream id must be 2..65599: " + csid);
    }
    int length = message.payload().readableBytes();
    if (length > 0xFFFFFF) {
      throw new IllegalArgumentException("message longer than 16777215 bytes: " + length);
    }
    long ts = message.timestamp();
    ChunkStream cs = streams.get(csid);
    int firstFmt;
    if (cs == null || cs.messageStreamId != message.messageStreamId() || ts < cs.timestamp) {
      if (cs == null) {
        cs = new ChunkStream();
        streams.put(csid, cs);
      }
      firstFmt = 0;
      cs.delta = ts;
      cs.deltaFromFmt0 = true;
      setField(cs, ts);
    } else {
      long delta = ts - cs.timestamp;
      if (length != cs.length || message.typeId() != cs.typeId) {
        firstFmt = 1;
      } else if (delta == cs.delta && !cs.deltaFromFmt0) {
        firstFmt = 3;
      } else {
        firstFmt = 2;
      }
      if (firstFmt != 3) {
        cs.delta = delta;
        cs.deltaFromFmt0 = false;
        setField(cs, delta);
      }
    }
    cs.timestamp = ts;
    cs.length = length;
    cs.typeId = message.typeId();
    cs.messageStreamId = message.messageStreamId();
    return firstFmt;
  }

  private static void setField(ChunkStream cs, long field) {
    cs.extended = field >= 0xFFFFFF;
    cs.extendedField = field;
  }

  private static void writeHeader(ByteBuf out, int fmt, RtmpMessage message, ChunkStream cs, int length) {
    int csid = message.chunkStreamId();
    if (csid < 64) {
      out.writeByte(fmt << 6 | csid);
    } else if (csid < 320) {
      out.writeByte(fmt << 6).writeByte(csid - 64);
    } else {
      out.writeByte(fmt << 6 | 1).writeShortLE(csid - 64);
    }
    int field = cs.extended ? 0xFFFFFF : (int) cs.extendedField;
    switch (fmt) {
      case 0 -> out.writeMedium(field).writeMedium(length).writeByte(cs.typeId).writeIntLE(cs.messageStreamId);
      case 1 -> out.writeMedium(field).writeMedium(length).writeByte(cs.typeId);
      case 2 -> out.writeMedium(field);
      default -> { }
    }
    if (cs.extended) {
      out.writeInt((int) cs.extendedField);
    }
  }
}
