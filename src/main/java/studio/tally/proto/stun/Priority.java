package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * PRIORITY (RFC 8445 §16.1), type 0x0024: the priority a peer-reflexive candidate learned from this
 * check would get (RFC 8445 §5.1.2).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x0024            |         Length = 4            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Priority (unsigned 32 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Priority(long priority) implements StunAttribute {
  public Priority {
    if (priority < 0 || priority > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("PRIORITY outside 32 bits: " + priority);
    }
  }

  @Override
  public int type() {
    return PRIORITY;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeInt((int) priority);
  }
}
