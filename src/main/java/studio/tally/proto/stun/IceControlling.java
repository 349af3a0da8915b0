package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * ICE-CONTROLLING (RFC 8445 §16.1), type 0x802A: the agent believes it is controlling; the 64-bit tie-breaker settles role conflicts
 * (RFC 8445 §7.3.1.1, error 487).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x802A            |         Length = 8            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Tie-breaker (64 bits) ...                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  ... Tie-breaker                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param tieBreaker unsigned 64 bits, held in a long
 */
public record IceControlling(long tieBreaker) implements StunAttribute {
  @Override
  public int type() {
    return ICE_CONTROLLING;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeLong(tieBreaker);
  }
}
