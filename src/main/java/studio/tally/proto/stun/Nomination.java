package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * NOMINATION (draft-thatcher-ice-renomination-01 §3), type 0xC001, comprehension-optional: the
 * nomination counter of a controlling agent that renominates. libwebrtc sends it when both sides
 * signalled {@code a=ice-options:renomination}.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type = 0xC001            |         Length = 4            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Nomination value (unsigned 32 bits)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Nomination(long value) implements StunAttribute {
  public Nomination {
    if (value < 0 || value > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("NOMINATION outside 32 bits: " + value);
    }
  }

  @Override
  public int type() {
    return NOMINATION;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeInt((int) value);
  }
}
