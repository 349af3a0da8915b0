package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Streaming FLV demuxer (Adobe FLV spec v10.1, Annex E.2–E.4.1): FLV header, PreviousTagSize0, then
 * tags, each followed by its PreviousTagSize. Feed it bytes in pieces of any size (one byte at a
 * time works); it emits each tag once its body is complete.
 *
 * <pre>
 * FLV header (9) | PrevTagSize0 (4) | tag header (11) | data (DataSize) | PrevTagSize (4) | tag ...
 * tag header:  UB[2] reserved | UB[1] Filter | UB[5] TagType | UI24 DataSize | UI24 Timestamp
 *              | UI8 TimestampExtended | UI24 StreamID
 * </pre>
 *
 * A complete body already in the input is handed out as a retained slice (no copy); a body split
 * across reads is accumulated in a buffer that grows with the bytes received, so a lying DataSize
 * never allocates more than what arrived. After an error the reader stays failed.
 */
public final class FlvTagReader implements AutoCloseable {

  /**
   * @param maxDataSize largest tag DataSize accepted (default 16 MiB, i.e. anything UI24 can say)
   * @param checkPreviousTagSize fail when a PreviousTagSize is not 11 + DataSize (off by default:
   *     some muxers write 0 there, and the value is only needed for reading backwards)
   */
  public record Limits(int maxDataSize, boolean checkPreviousTagSize) {
    public static final Limits DEFAULT = new Limits(16 * 1024 * 1024, false);

    public Limits {
      if (maxDataSize < 0) {
        throw new IllegalArgumentException("maxDataSize " + maxDataSize);
      }
    }
  }

  private enum State { FILE_HEADER, HEADER_EXTRA, PREVIOUS_TAG_SIZE, TAG_HEADER, TAG_BODY, FAILED }

  private final Limits limits;
  private final byte[] scratch = new byte[FlvTagEncoder.TAG_HEADER_LENGTH];
  private State state;
  private int have;
  private long skipLeft;
  private long expectedPreviousTagSize;
  private FlvHeader header;
  private int tagType;
  private long timestamp;
  private int dataSize;
  private ByteBuf body;
  private String failure;

  /** A reader for a whole FLV stream (file or HTTP-FLV), starting with the FLV header. */
  public FlvTagReader() {
    this(Limits.DEFAULT, true);
  }

  /**
   * @param expectFileHeader true: the stream starts with the FLV header and PreviousTagSize0;
   *     false: it starts directly with a tag header
   */
  public FlvTagReader(Limits limits, boolean expectFileHeader) {
    this.limits = limits;
    this.state = expectFileHeader ? State.FILE_HEADER : State.TAG_HEADER;
  }

  /** The FLV header once parsed, else null. */
  public FlvHeader header() {
    return header;
  }

  /** True between tags: no partial tag is buffered (a clean place for the stream to end). */
  public boolean atTagBoundary() {
    return state == State.TAG_HEADER && have == 0;
  }

  /**
   * Consumes all readable bytes of {@code in} (the caller keeps ownership of {@code in}) and adds
   * every completed tag to {@code out}; the caller owns those tags.
   *
   * @throws FlvException on malformed input; the reader is then failed for good
   */
  public void read(ByteBuf in, List<? super FlvTag> out) {
    if (state == State.FAILED) {
      in.skipBytes(in.readableBytes());
      throw new FlvException("FLV reader already failed: " + failure);
    }
    try {
      while (in.isReadable()) {
        switch (state) {
          case FILE_HEADER -> {
            if (fill(in, FlvHeader.LENGTH)) {
              header = FlvHeader.parse(scratch);
              skipLeft = FlvHeader.dataOffset(scratch) - FlvHeader.LENGTH;
              expectedPreviousTagSize = 0;
              state = skipLeft > 0 ? State.HEADER_EXTRA : State.PREVIOUS_TAG_SIZE;
            }
          }
          case HEADER_EXTRA -> {
            int n = (int) Math.min(skipLeft, in.readableBytes());
            in.skipBytes(n);
            skipLeft -= n;
            if (skipLeft == 0) {
              state = State.PREVIOUS_TAG_SIZE;
            }
          }
          case PREVIOUS_TAG_SIZE -> {
            if (fill(in, 4)) {
              long size = ((scratch[0] & 0xffL) << 24) | ((scratch[1] & 0xff) << 16)
                  | ((scratch[2] & 0xff) << 8) | (scratch[3] & 0xff);
              if (limits.checkPreviousTagSize() && size != expectedPreviousTagSize) {
                throw new FlvException("PreviousTagSize: expected " + expectedPreviousTagSize + ", got " + size);
              }
              state = State.TAG_HEADER;
            }
          }
          case TAG_HEADER -> {
            if (fill(in, FlvTagEncoder.TAG_HEADER_LENGTH)) {
              parseTagHeader();
              state = State.TAG_BODY;
              readBody(in, out);
            }
          }
          case TAG_BODY -> readBody(in, out);
          case FAILED -> throw new IllegalStateException();
        }
      }
    } catch (FlvException e) {
      fail(e.getMessage());
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private void parseTagHeader() {
    int first = scratch[0] & 0xff;
    if ((first & 0x20) != 0) {
      throw new FlvException("Filter: encrypted (filtered) tags are not supported, TagType byte 0x"
          + Integer.toHexString(first));
    }
    tagType = first & 0x1f;
    dataSize = ((scratch[1] & 0xff) << 16) | ((scratch[2] & 0xff) << 8) | (scratch[3] & 0xff);
    if (dataSize > limits.maxDataSize()) {
      throw new FlvException("DataSize: " + dataSize + " exceeds limit " + limits.maxDataSize());
    }
    timestamp = ((scratch[7] & 0xffL) << 24) | ((scratch[4] & 0xff) << 16)
        | ((scratch[5] & 0xff) << 8) | (scratch[6] & 0xff);
    expectedPreviousTagSize = FlvTagEncoder.TAG_HEADER_LENGTH + (long) dataSize;
  }

  private void readBody(ByteBuf in, List<? super FlvTag> out) {
    if (body == null && in.readableBytes() >= dataSize) {
      out.add(new FlvTag(tagType, timestamp, in.readRetainedSlice(dataSize)));
      state = State.PREVIOUS_TAG_SIZE;
      return;
    }
    if (body == null) {
      // Grows with what arrives (max capacity dataSize), never sized from DataSize alone.
      body = in.alloc().buffer(Math.min(dataSize, Math.max(in.readableBytes(), 256)), dataSize);
    }
    int n = Math.min(in.readableBytes(), dataSize - body.readableBytes());
    body.writeBytes(in, n);
    if (body.readableBytes() == dataSize) {
      ByteBuf done = body;
      body = null;
      out.add(new FlvTag(tagType, timestamp, done));
      state = State.PREVIOUS_TAG_SIZE;
    }
  }

  /** Collects {@code n} bytes into scratch across calls; true once all are there. */
  private boolean fill(ByteBuf in, int n) {
    int k = Math.min(n - have, in.readableBytes());
    in.readBytes(scratch, have, k);
    have += k;
    if (have < n) {
      return false;
    }
    have = 0;
    return true;
  }

  private void fail(String why) {
    state = State.FAILED;
    failure = why;
    releaseBody();
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  /** Releases a partially received tag body, if any. */
  @Override
  public void close() {
    releaseBody();
  }
}
