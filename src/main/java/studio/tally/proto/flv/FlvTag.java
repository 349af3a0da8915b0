package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;

/**
 * One FLV tag (Adobe FLV spec v10.1, Annex E.4.1): its type, its 32-bit timestamp in milliseconds
 * (TimestampExtended already folded in as the upper 8 bits) and its body (the TagData: an
 * AUDIODATA, VIDEODATA or SCRIPTDATA, which is also exactly the payload of the RTMP message of the
 * same type). StreamID is always 0 and not kept.
 *
 * <p>The tag owns one reference to {@code body}; release it (or the tag) when done.
 */
public record FlvTag(int type, long timestamp, ByteBuf body) implements ByteBufHolder {
  public static final int AUDIO = 8;
  public static final int VIDEO = 9;
  public static final int SCRIPT = 18;
  /** Largest DataSize the UI24 field can express. */
  public static final int MAX_DATA_SIZE = 0xFF_FFFF;

  public FlvTag {
    if (type < 0 || type > 31) {
      throw new IllegalArgumentException("TagType " + type + " does not fit UB[5]");
    }
    if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("Timestamp " + timestamp + " does not fit UI32");
    }
    if (body.readableBytes() > MAX_DATA_SIZE) {
      throw new IllegalArgumentException("DataSize " + body.readableBytes() + " does not fit UI24");
    }
  }

  public boolean isAudio() {
    return type == AUDIO;
  }

  public boolean isVideo() {
    return type == VIDEO;
  }

  public boolean isScript() {
    return type == SCRIPT;
  }

  @Override
  public ByteBuf content() {
    return body;
  }

  @Override
  public FlvTag copy() {
    return replace(body.copy());
  }

  @Override
  public FlvTag duplicate() {
    return replace(body.duplicate());
  }

  @Override
  public FlvTag retainedDuplicate() {
    return replace(body.retainedDuplicate());
  }

  @Override
  public FlvTag replace(ByteBuf content) {
    return new FlvTag(type, timestamp, content);
  }

  @Override
  public int refCnt() {
    return body.refCnt();
  }

  @Override
  public FlvTag retain() {
    body.retain();
    return this;
  }

  @Override
  public FlvTag retain(int increment) {
    body.retain(increment);
    return this;
  }

  @Override
  public FlvTag touch() {
    body.touch();
    return this;
  }

  @Override
  public FlvTag touch(Object hint) {
    body.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return body.release();
  }

  @Override
  public boolean release(int decrement) {
    return body.release(decrement);
  }

  @Override
  public String toString() {
    return "FlvTag[type=" + type + ", timestamp=" + timestamp + ", size=" + body.readableBytes() + "]";
  }
}
