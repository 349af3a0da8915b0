package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.5, §14.6) and FINGERPRINT (§14.7) over
 * the raw bytes of a message. The checks work on bytes, not on a parsed {@link StunMessage}, because
 * the HMAC covers the sender's exact bytes (padding included).
 */
public final class StunIntegrity {
  private StunIntegrity() {}

  /** Short-term credential key (RFC 8489 §9.1.1): the ICE password's UTF-8 bytes (no SASLprep/OpaqueString). */
  public static byte[] shortTermKey(String password) {
    return password.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Long-term credential key (RFC 8489 §9.2.2, MD5 algorithm): MD5(username ":" realm ":" password),
   * the caller having applied SASLprep/OpaqueString to the password if needed.
   */
  public static byte[] longTermKey(String username, String realm, String password) {
    try {
      return MessageDigest.getInstance("MD5")
          .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }

  /**
   * Checks MESSAGE-INTEGRITY of the message starting at {@code message.readerIndex()} (not consumed).
   *
   * @throws StunException if the message is malformed, has no MESSAGE-INTEGRITY, or the HMAC differs
   */
  public static void verifyIntegrity(ByteBuf message, byte[] key) {
    verify(message, key, StunAttribute.MESSAGE_INTEGRITY, "HmacSHA1", "MESSAGE-INTEGRITY");
  }

  /** As {@link #verifyIntegrity(ByteBuf, byte[])} for a whole message in an array. */
  public static void verifyIntegrity(byte[] message, byte[] key) {
    verifyIntegrity(io.netty.buffer.Unpooled.wrappedBuffer(message), key);
  }

  /** Checks MESSAGE-INTEGRITY-SHA256 (possibly truncated) like {@link #verifyIntegrity}. */
  public static void verifyIntegritySha256(ByteBuf message, byte[] key) {
    verify(message, key, StunAttribute.MESSAGE_INTEGRITY_SHA256, "HmacSHA256", "MESSAGE-INTEGRITY-SHA256");
  }

  /**
   * Checks FINGERPRINT of the message at {@code message.readerIndex()} (not consumed).
   *
   * @throws StunException if the message is malformed, has no FINGERPRINT, or the CRC differs
   */
  public static void verifyFingerprint(ByteBuf message) {
    int start = message.readerIndex();
    int at = StunMessage.findAttribute(message, StunAttribute.FINGERPRINT);
    if (at < 0) {
      throw new StunException("stun: no FINGERPRINT");
    }
    long expected = message.getUnsignedInt(start + at + 4);
    long actual = fingerprint(message, start, at);
    if (actual != expected) {
      throw new StunException(String.format("stun: FINGERPRINT mismatch: %08x, computed %08x", expected, actual));
    }
  }

  /** As {@link #verifyFingerprint(ByteBuf)} for a whole message in an array. */
  public static void verifyFingerprint(byte[] message) {
    verifyFingerprint(io.netty.buffer.Unpooled.wrappedBuffer(message));
  }

  /** CRC-32 XOR 0x5354554E of {@code length} bytes at {@code start}, as they stand. */
  static long fingerprint(ByteBuf buf, int start, int length) {
    CRC32 crc = new CRC32();
    crc.update(buf.nioBuffer(start, length));
    return crc.getValue() ^ Fingerprint.XOR;
  }

  /**
   * HMAC of the {@code length} bytes at {@code start} (header first), with the header length field
   * replaced by {@code adjustedLength}.
   */
  static byte[] hmac(String algorithm, byte[] key, ByteBuf buf, int start, int length, int adjustedLength) {
    byte[] input = new byte[length];
    buf.getBytes(start, input);
    input[2] = (byte) (adjustedLength >>> 8);
    input[3] = (byte) adjustedLength;
    try {
      Mac mac = Mac.getInstance(algorithm);
      // an empty key is legal in STUN but not for SecretKeySpec: HMAC pads keys with zeros anyway
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
  }

  private static void verify(ByteBuf message, byte[] key, int type, String algorithm, String field) {
    int start = message.readerIndex();
    int at = StunMessage.findAttribute(message, type);
    if (at < 0) {
      throw new StunException("stun: no " + field);
    }
    int valueLength = message.getUnsignedShort(start + at + 2);
    byte[] expected = new byte[valueLength];
    message.getBytes(start + at + 4, expected);
    byte[] actual = hmac(algorithm, key, message, start, at, at + 4 + valueLength - StunMessage.HEADER_LENGTH);
    if (valueLength < actual.length) {
      actual = java.util.Arrays.copyOf(actual, valueLength);
    }
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new StunException("stun: " + field + " mismatch");
    }
  }
}
