package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP messages from the chunk stream (Adobe RTMP spec 1.0 section 5.3), accepting its
 * input in any fragmentation (down to one byte per call).
 *
 * <pre>
 *  chunk = basic header (1-3) | message header (11, 7, 3 or 0) | [extended timestamp (4)] | data
 *  basic header:  |fmt(2)|csid(6)|             csid 2..63
 *                 |fmt(2)|  0   | csid-64 (8) |              64..319
 *                 |fmt(2)|  1   | (csid-64) little-endian (16) | 64..65599
 *  fmt 0 (11):  timestamp(24) | length(24) | type id(8) | message stream id (32, little-endian)
 *  fmt 1 (7):   timestamp delta(24) | length(24) | type id(8)
 *  fmt 2 (3):   timestamp delta(24)
 *  fmt 3 (0):   everything from the previous chunk of this chunk stream
 *  timestamp or delta 0xFFFFFF: the real value follows as a 32-bit extended timestamp
 * </pre>
 *
 * <p>Rules beyond the plain header layout:
 * <ul>
 *   <li>A fmt 3 chunk after a header with an extended timestamp may repeat the extended timestamp
 *   (FFmpeg, OBS and the spec do; some encoders do not). Like SRS, the decoder consumes the 4 bytes
 *   only when they equal the value of the last extended field on that chunk stream.
 *   <li>A fmt 3 chunk starting a new message adds the last delta; after a fmt 0 header that delta is
 *   the fmt 0 timestamp itself (spec section 5.3.1.2.4, as FFmpeg reads it).
 *   <li>A fmt 0/1/2 chunk on a chunk stream whose message is unfinished drops the unfinished message
 *   (as FFmpeg does) instead of failing.
 *   <li>Set Chunk Size (type 1) and Abort (type 2) are applied here when decoded, and still emitted.
 * </ul>
 * Errors ({@link RtmpException}): chunk size 0 or above 0xFFFFFF; message length above
 * {@link RtmpLimits#maxMessageLength()} (checked before any allocation; buffers then grow only as
 * data arrives); more than {@link RtmpLimits#maxChunkStreams()} chunk streams; a fmt 1/2/3 chunk on a
 * chunk stream that never had a fmt 0 header. After an error the decoder has released everything it
 * held and refuses further input.
 */
public final class RtmpChunkDecoder implements AutoCloseable {
  /** Largest chunk size accepted (the spec allows 31 bits; nobody needs more than 16 MiB). */
  public static final int MAX_CHUNK_SIZE = 0xFFFFFF;
  static final int DEFAULT_CHUNK_SIZE = 128;
  private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};

  private enum State { CHUNK_HEADER, CHUNK_DATA, FAILED, CLOSED }

  /** What the decoder remembers per chunk stream. */
  private static final class ChunkStream {
    long timestamp;
    long delta;
    int length;
    int typeId;
    int messageStreamId;
    boolean extended;
    long extendedField;
    ByteBuf partial; // unfinished message, or null
  }

  private final RtmpLimits limits;
  private final ByteBufAllocator alloc;
  private final Map<Integer, ChunkStream> streams = new HashMap<>();
  private State state = State.CHUNK_HEADER;
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private ChunkStream current;
  private int currentId;
  private int chunkRemaining;
  private long bytesRead;

  public RtmpChunkDecoder() {
    this(RtmpLimits.DEFAULT, ByteBufAllocator.DEFAULT);
  }

  public RtmpChunkDecoder(RtmpLimits limits, ByteBufAllocator alloc) {
    this.limits = limits;
    this.alloc = alloc;
  }

  /**
   * Consumes as much of {@code in} as it can and adds every completed message to {@code out}; the
   * caller owns (and must release) them. Unconsumed bytes are an incomplete chunk header.
   */
  public void decode(ByteBuf in, List<RtmpMessage> out) {
    if (state == State.FAILED || state == State.CLOSED) {
      throw new RtmpException("rtmp: chunk decoder is " + state.name().toLowerCase() + " and takes no more input");
    }
    int start = in.readerIndex();
    try {
      boolean progress = true;
      while (progress && in.isReadable()) {
        progress = state == State.CHUNK_HEADER ? readChunkHeader(in, out) : readChunkData(in, out);
      }
    } catch (RtmpException e) {
      fail();
      throw e;
    } finally {
      bytesRead += in.readerIndex() - start;
    }
  }

  /** Bytes consumed so far (chunk stream only, not the handshake); basis for Acknowledgement. */
  public long bytesRead() {
    return bytesRead;
  }

  /** The inbound chunk size currently in force. */
  public int chunkSize() {
    return chunkSize;
  }

  /** Releases unfinished messages. Further input is refused. */
  @Override
  public void close() {
    releasePartials();
    state = State.CLOSED;
  }

  private void fail() {
    releasePartials();
    state = State.FAILED;
  }

  private void releasePartials() {
    for (ChunkStream cs : streams.values()) {
      if (cs.partial != null) {
        cs.partial.release();
        cs.partial = null;
      }
    }
  }

  /** Parses one complete chunk header, or returns false (consuming nothing) if it is not all there. */
  private boolean readChunkHeader(ByteBuf in, List<RtmpMessage> out) {
    int p = in.readerIndex();
    int available = in.readableBytes();
    int first = in.getUnsignedByte(p);
    int fmt = first >>> 6;
    int csid = first & 0x3F;
    int basicLength = 1;
    if (csid == 0) {
      if (available < 2) {
        return false;
      }
      csid = 64 + in.getUnsignedByte(p + 1);
      basicLength = 2;
    } else if (csid == 1) {
      if (available < 3) {
        return false;
      }
      csid = 64 + in.getUnsignedByte(p + 1) + (in.getUnsignedByte(p + 2) << 8);
      basicLength = 3;
    }
    int headerLength = basicLength + MESSAGE_HEADER_LENGTH[fmt];
    if (available < headerLength) {
      return false;
    }
    ChunkStream cs = streams.get(csid);
    if (cs == null && fmt != 0) {
      throw new RtmpException("rtmp: chunk fmt " + fmt + " on chunk stream " + csid + " that never had a fmt 0 header");
    }
    int q = p + basicLength;
    long field = fmt == 3 ? 0 : in.getUnsignedMedium(q);
    boolean extended;
    if (fmt == 3) {
      // repeated extended timestamp: present only if it matches (see class comment)
      extended = false;
      if (cs.extended) {
        if (available < headerLength + 4) {
          return false;
        }
        if (in.getUnsignedInt(p + headerLength) == cs.extendedField) {
          headerLength += 4;
        }
      }
    } else {
      extended = field == 0xFFFFFF;
      if (extended) {
        if (available < headerLength + 4) {
          return false;
        }
        field = in.getUnsignedInt(p + headerLength);
        headerLength += 4;
      }
    }
    // the header is complete: commit
    if (cs == null) {
      if (streams.size() >= limits.maxChunkStreams()) {
        throw new RtmpException("rtmp: more than " + limits.maxChunkStreams() + " chunk streams (chunk stream " + csid + ")");
      }
      cs = new ChunkStream();
      streams.put(csid, cs);
    }
    in.skipBytes(headerLength);
    if (fmt != 3 && cs.partial != null) { // new header mid-message: drop the unfinished one
      cs.partial.release();
      cs.partial = null;
    }
    if (fmt != 3) {
      cs.extended = extended;
      cs.extendedField = field;
    }
    if (cs.partial == null) {
      startMessage(in, cs, fmt, q, field);
      if (cs.length == 0) {
        emit(csid, cs, Unpooled.EMPTY_BUFFER, out);
        return true;
      }
      cs.partial = alloc.buffer(Math.min(cs.length, chunkSize), cs.length);
    }
    current = cs;
    currentId = csid;
    chunkRemaining = Math.min(chunkSize, cs.length - cs.partial.writerIndex());
    state = State.CHUNK_DATA;
    return true;
  }

  private void startMessage(ByteBuf in, ChunkStream cs, int fmt, int q, long field) {
    switch (fmt) {
      case 0 -> {
        cs.timestamp = field;
        cs.delta = field; // spec 5.3.1.2.4: a fmt 3 after fmt 0 uses the fmt 0 timestamp as delta
        cs.length = in.getUnsignedMedium(q + 3);
        cs.typeId = in.getUnsignedByte(q + 6);
        cs.messageStreamId = in.getIntLE(q + 7);
      }
      case 1 -> {
        cs.delta = field;
        cs.timestamp = (cs.timestamp + field) & 0xFFFFFFFFL;
        cs.length = in.getUnsignedMedium(q + 3);
        cs.typeId = in.getUnsignedByte(q + 6);
      }
      case 2 -> {
        cs.delta = field;
        cs.timestamp = (cs.timestamp + field) & 0xFFFFFFFFL;
      }
      default -> cs.timestamp = (cs.timestamp + cs.delta) & 0xFFFFFFFFL;
    }
    if (cs.length > limits.maxMessageLength()) {
      throw new RtmpException("rtmp: message length " + cs.length + " above limit " + limits.maxMessageLength());
    }
  }

  private boolean readChunkData(ByteBuf in, List<RtmpMessage> out) {
    int n = Math.min(in.readableBytes(), chunkRemaining);
    current.partial.writeBytes(in, n);
    chunkRemaining -= n;
    if (chunkRemaining > 0) {
      return true;
    }
    state = State.CHUNK_HEADER;
    ChunkStream cs = current;
    current = null;
    if (cs.partial.writerIndex() == cs.length) {
      ByteBuf payload = cs.partial;
      cs.partial = null;
      emit(currentId, cs, payload, out);
    }
    return true;
  }

  private void emit(int csid, ChunkStream cs, ByteBuf payload, List<RtmpMessage> out) {
    RtmpMessage message = new RtmpMessage(csid, cs.typeId, cs.timestamp, cs.messageStreamId, payload);
    try {
      applyControl(message);
    } catch (RtmpException e) {
      payload.release();
      throw e;
    }
    out.add(message);
  }

  private void applyControl(RtmpMessage message) {
    switch (message.typeId()) {
      case RtmpMessageType.SET_CHUNK_SIZE -> chunkSize = RtmpControlMessage.SetChunkSize.decode(message.payload()).chunkSize();
      case RtmpMessageType.ABORT -> {
        ChunkStream aborted = streams.get(RtmpControlMessage.Abort.decode(message.payload()).chunkStreamId());
        if (aborted != null && aborted.partial != null) {
          aborted.partial.release();
          aborted.partial = null;
        }
      }
      default -> { }
    }
  }
}
