package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * XOR-PEER-ADDRESS (RFC 8656 §18.3), type 0x0012: a peer's address as the TURN server sees it, coded
 * like {@link XorMappedAddress} (port XOR 0x2112, address XOR the cookie [and transaction id]). In
 * CreatePermission only the address counts; in ChannelBind, Send and Data the port too. A
 * CreatePermission may carry several, so this attribute may repeat in a message.
 */
public record XorPeerAddress(StunAddress address) implements StunAttribute {
  public XorPeerAddress {
    if (address == null) {
      throw new IllegalArgumentException("address missing");
    }
  }

  @Override
  public int type() {
    return XOR_PEER_ADDRESS;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    XorMappedAddress.writeXor(out, address, transactionId);
  }

  static XorPeerAddress parse(ByteBuf value, byte[] transactionId) {
    return new XorPeerAddress(XorMappedAddress.readXor(value, transactionId, "XOR-PEER-ADDRESS"));
  }
}
