package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * One STUN attribute (RFC 8489 §14): a type-length-value padded to a multiple of 4 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Length counts the value without padding; padding bytes are ignored on input (RFC 5769 uses
 * spaces) and written as zeros. Types below 0x8000 are comprehension-required: an unknown one is
 * kept as an {@link OpaqueAttribute} and reported by {@link StunMessage#unknownComprehensionRequired()}
 * so that a server can answer 420 with UNKNOWN-ATTRIBUTES.
 */
public sealed interface StunAttribute
    permits MappedAddress, XorMappedAddress, Username, Realm, Nonce, Software, MessageIntegrity,
        MessageIntegritySha256, Fingerprint, ErrorCode, UnknownAttributes, Priority, UseCandidate,
        IceControlled, IceControlling, Nomination, XorPeerAddress, XorRelayedAddress, Lifetime,
        RequestedTransport, Data, ChannelNumber, OpaqueAttribute {
  int MAPPED_ADDRESS = 0x0001;
  int USERNAME = 0x0006;
  int MESSAGE_INTEGRITY = 0x0008;
  int ERROR_CODE = 0x0009;
  int UNKNOWN_ATTRIBUTES = 0x000A;
  /** TURN (RFC 8656 §18). */
  int CHANNEL_NUMBER = 0x000C;
  int LIFETIME = 0x000D;
  int XOR_PEER_ADDRESS = 0x0012;
  int DATA = 0x0013;
  int REALM = 0x0014;
  int NONCE = 0x0015;
  int XOR_RELAYED_ADDRESS = 0x0016;
  int REQUESTED_TRANSPORT = 0x0019;
  int MESSAGE_INTEGRITY_SHA256 = 0x001C;
  int XOR_MAPPED_ADDRESS = 0x0020;
  int PRIORITY = 0x0024;
  int USE_CANDIDATE = 0x0025;
  int SOFTWARE = 0x8022;
  int FINGERPRINT = 0x8028;
  int ICE_CONTROLLED = 0x8029;
  int ICE_CONTROLLING = 0x802A;
  /** draft-thatcher-ice-renomination; sent by libwebrtc when renomination is negotiated. */
  int NOMINATION = 0xC001;
  /** libwebrtc's network id and cost; opaque to us. */
  int GOOG_NETWORK_INFO = 0xC057;

  /** The 16-bit attribute type. */
  int type();

  /** Writes the value only: no type, length or padding. */
  void writeValue(ByteBuf out, byte[] transactionId);

  /** Whether an agent that does not understand this type must reject the message (RFC 8489 §14). */
  static boolean isComprehensionRequired(int type) {
    return type < 0x8000;
  }

  /** A name for messages and logs, e.g. {@code "XOR-MAPPED-ADDRESS"} or {@code "0xc057"}. */
  static String name(int type) {
    return switch (type) {
      case MAPPED_ADDRESS -> "MAPPED-ADDRESS";
      case USERNAME -> "USERNAME";
      case MESSAGE_INTEGRITY -> "MESSAGE-INTEGRITY";
      case ERROR_CODE -> "ERROR-CODE";
      case UNKNOWN_ATTRIBUTES -> "UNKNOWN-ATTRIBUTES";
      case CHANNEL_NUMBER -> "CHANNEL-NUMBER";
      case LIFETIME -> "LIFETIME";
      case XOR_PEER_ADDRESS -> "XOR-PEER-ADDRESS";
      case DATA -> "DATA";
      case XOR_RELAYED_ADDRESS -> "XOR-RELAYED-ADDRESS";
      case REQUESTED_TRANSPORT -> "REQUESTED-TRANSPORT";
      case REALM -> "REALM";
      case NONCE -> "NONCE";
      case MESSAGE_INTEGRITY_SHA256 -> "MESSAGE-INTEGRITY-SHA256";
      case XOR_MAPPED_ADDRESS -> "XOR-MAPPED-ADDRESS";
      case PRIORITY -> "PRIORITY";
      case USE_CANDIDATE -> "USE-CANDIDATE";
      case SOFTWARE -> "SOFTWARE";
      case FINGERPRINT -> "FINGERPRINT";
      case ICE_CONTROLLED -> "ICE-CONTROLLED";
      case ICE_CONTROLLING -> "ICE-CONTROLLING";
      case NOMINATION -> "NOMINATION";
      case GOOG_NETWORK_INFO -> "GOOG-NETWORK-INFO";
      default -> String.format("0x%04x", type);
    };
  }
}
