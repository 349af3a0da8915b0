package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Dispatch from attribute type to the parser of its value, and shared value helpers. */
final class StunAttributes {
  private StunAttributes() {}

  /**
   * Parses one attribute value.
   *
   * @param value exactly the value bytes (no padding); fully consumed or rejected
   */
  static StunAttribute parse(int type, ByteBuf value, byte[] transactionId) {
    return switch (type) {
      case StunAttribute.MAPPED_ADDRESS -> MappedAddress.parse(value);
      case StunAttribute.XOR_MAPPED_ADDRESS -> XorMappedAddress.parse(value, transactionId);
      case StunAttribute.USERNAME -> new Username(text(value, "USERNAME", Username.MAX_BYTES));
      case StunAttribute.REALM -> new Realm(text(value, "REALM", Realm.MAX_BYTES));
      case StunAttribute.NONCE -> new Nonce(text(value, "NONCE", Nonce.MAX_BYTES));
      case StunAttribute.SOFTWARE -> new Software(text(value, "SOFTWARE", Software.MAX_BYTES));
      case StunAttribute.MESSAGE_INTEGRITY -> MessageIntegrity.parse(value);
      case StunAttribute.MESSAGE_INTEGRITY_SHA256 -> MessageIntegritySha256.parse(value);
      case StunAttribute.FINGERPRINT -> Fingerprint.parse(value);
      case StunAttribute.ERROR_CODE -> ErrorCode.parse(value);
      case StunAttribute.UNKNOWN_ATTRIBUTES -> UnknownAttributes.parse(value);
      case StunAttribute.PRIORITY -> new Priority(uint32(value, "PRIORITY"));
      case StunAttribute.USE_CANDIDATE -> UseCandidate.parse(value);
      case StunAttribute.ICE_CONTROLLED -> new IceControlled(uint64(value, "ICE-CONTROLLED"));
      case StunAttribute.ICE_CONTROLLING -> new IceControlling(uint64(value, "ICE-CONTROLLING"));
      case StunAttribute.NOMINATION -> new Nomination(uint32(value, "NOMINATION"));
      case StunAttribute.CHANNEL_NUMBER -> ChannelNumber.parse(value);
      case StunAttribute.LIFETIME -> new Lifetime(uint32(value, "LIFETIME"));
      case StunAttribute.XOR_PEER_ADDRESS -> XorPeerAddress.parse(value, transactionId);
      case StunAttribute.DATA -> Data.parse(value);
      case StunAttribute.XOR_RELAYED_ADDRESS -> XorRelayedAddress.parse(value, transactionId);
      case StunAttribute.REQUESTED_TRANSPORT -> RequestedTransport.parse(value);
      default -> OpaqueAttribute.parse(type, value);
    };
  }

  static void expectLength(ByteBuf value, int length, String field) {
    if (value.readableBytes() != length) {
      throw new StunException("stun: " + field + " length " + value.readableBytes() + ", expected " + length);
    }
  }

  static long uint32(ByteBuf value, String field) {
    expectLength(value, 4, field);
    return value.readUnsignedInt();
  }

  static long uint64(ByteBuf value, String field) {
    expectLength(value, 8, field);
    return value.readLong();
  }

  /** Strict UTF-8 (malformed input is an error, so that decode → encode is lossless). */
  static String text(ByteBuf value, String field, int maxBytes) {
    int n = value.readableBytes();
    if (n > maxBytes) {
      throw new StunException("stun: " + field + " is " + n + " bytes, limit " + maxBytes);
    }
    byte[] bytes = new byte[n];
    value.readBytes(bytes);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new StunException("stun: " + field + " is not valid UTF-8", e);
    }
  }

  static byte[] utf8(String text, String field, int maxBytes) {
    if (text == null) {
      throw new IllegalArgumentException(field + " missing");
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (b.length > maxBytes) {
      throw new IllegalArgumentException(field + " is " + b.length + " bytes, limit " + maxBytes);
    }
    return b;
  }
}
