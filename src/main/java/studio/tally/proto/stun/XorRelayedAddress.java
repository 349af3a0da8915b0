package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * XOR-RELAYED-ADDRESS (RFC 8656 §18.5), type 0x0016: the relayed transport address the TURN server
 * allocated (an Allocate success response), coded like {@link XorMappedAddress}.
 */
public record XorRelayedAddress(StunAddress address) implements StunAttribute {
  public XorRelayedAddress {
    if (address == null) {
      throw new IllegalArgumentException("address missing");
    }
  }

  @Override
  public int type() {
    return XOR_RELAYED_ADDRESS;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    XorMappedAddress.writeXor(out, address, transactionId);
  }

  static XorRelayedAddress parse(ByteBuf value, byte[] transactionId) {
    return new XorRelayedAddress(XorMappedAddress.readXor(value, transactionId, "XOR-RELAYED-ADDRESS"));
  }
}
