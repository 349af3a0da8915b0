package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import studio.tally.proto.flv.AudioTagHeader;
import studio.tally.proto.flv.FlvTagEncoder;
import studio.tally.proto.flv.VideoTagHeader;



/**
 * One audio, video or script message of a live stream on the stream's own timeline. The body is the
 * RTMP message payload (= FLV tag body); the FLV framing is made once here so HTTP-FLV players all
 * write the very same buffer. Reference-counted: every queue that holds it holds a reference.
 */
public final class MediaTag extends AbstractReferenceCounted {

  /** FLV/RTMP message kinds. */
  public enum Kind {
    AUDIO(8), VIDEO(9), SCRIPT(18);

    public final int typeId;

    Kind(int typeId) {
      this.typeId = typeId;
    }
  }

  private final Kind kind;
  private final long timestamp;
  private final ByteBuf body;
  private final ByteBuf flv;
  private final boolean keyframe;
  private final boolean config;
  /** One more wire form shared by every player of a protocol (RTMP chunks), made by the first that asks. */
  private final java.util.concurrent.atomic.AtomicReference<ByteBuf> shared = new java.util.concurrent.atomic.AtomicReference<>();

  private MediaTag(Kind kind, long timestamp, ByteBuf body, ByteBuf flv, boolean keyframe, boolean config) {
    this.kind = kind;
    this.timestamp = timestamp;
    this.body = body;
    this.flv = flv;
    this.keyframe = keyframe;
    this.config = config;
  }

  /** Takes ownership of {@code body}. */
  public static MediaTag of(ByteBufAllocator alloc, Kind kind, long timestamp, ByteBuf body) {
    boolean keyframe = kind == Kind.VIDEO && VideoTagHeader.isKeyframe(body) && !VideoTagHeader.isSequenceHeader(body);
    boolean config = switch (kind) {
      case VIDEO -> VideoTagHeader.isSequenceHeader(body);
      case AUDIO -> AudioTagHeader.isSequenceHeader(body);
      case SCRIPT -> true;
    };
    long ts = timestamp & 0xFFFF_FFFFL;
    ByteBuf flv = FlvTagEncoder.encodeTagFlat(alloc, kind.typeId, ts, body.retainedDuplicate());
    return new MediaTag(kind, ts, body, flv, keyframe, config);
  }

  public Kind kind() {
    return kind;
  }

  public long timestamp() {
    return timestamp;
  }

  /** The payload; callers that keep or write it take their own reference (retainedDuplicate). */
  public ByteBuf body() {
    return body;
  }

  /** The whole FLV tag (header, body, PreviousTagSize); write {@code flv().retainedDuplicate()}. */
  public ByteBuf flv() {
    return flv;
  }

  /**
   * A wire form of this tag that does not depend on the connection (e.g. RTMP chunks with type-0
   * headers), encoded once by whichever player asks first and shared by all; only one such form per
   * tag. The caller writes {@code retainedDuplicate()} of the result. Thread-safe.
   */
  public ByteBuf sharedEncoding(java.util.function.Function<MediaTag, ByteBuf> encoder) {
    ByteBuf b = shared.get();
    if (b != null) {
      return b;
    }
    ByteBuf made = encoder.apply(this);
    if (shared.compareAndSet(null, made)) {
      return made;
    }
    made.release(); // another loop won the race
    return shared.get();
  }

  public boolean isVideo() {
    return kind == Kind.VIDEO;
  }

  public boolean isKeyframe() {
    return keyframe;
  }

  /** Metadata or a codec sequence header: always delivered, never dropped. */
  public boolean isConfig() {
    return config;
  }

  public int size() {
    return body.readableBytes();
  }

  @Override
  public MediaTag retain() {
    super.retain();
    return this;
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    body.touch(hint);
    return this;
  }

  @Override
  protected void deallocate() {
    body.release();
    flv.release();
    ByteBuf b = shared.getAndSet(null);
    if (b != null) {
      b.release();
    }
  }

  @Override
  public String toString() {
    return kind + "@" + timestamp + (keyframe ? " key" : "") + (config ? " config" : "") + " " + size() + "B";
  }

}
