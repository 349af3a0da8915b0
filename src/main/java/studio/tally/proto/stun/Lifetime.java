package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * LIFETIME (RFC 8656 §18.2), type 0x000D: seconds an allocation lasts (Allocate, Refresh; 0 in a
 * Refresh deletes it), a 32-bit unsigned integer.
 */
public record Lifetime(long seconds) implements StunAttribute {
  public Lifetime {
    if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("LIFETIME outside 32 bits: " + seconds);
    }
  }

  @Override
  public int type() {
    return LIFETIME;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeInt((int) seconds);
  }
}
