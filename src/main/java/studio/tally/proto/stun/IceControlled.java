package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * ICE-CONTROLLED (RFC 8445 §16.1), type 0x8029: the agent believes it is controlled; the 64-bit tie-breaker settles role conflicts
 * (RFC 8445 §7.3.1.1, error 487).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0x8029            |         Length = 8            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Tie-breaker (64 bits) ...                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  ... Tie-breaker                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param tieBreaker unsigned 64 bits, held in a long
 */
public record IceControlled(long tieBreaker) implements StunAttribute {
  @Override
  public int type() {
    return ICE_CONTROLLED;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeLong(tieBreaker);
  }
}
