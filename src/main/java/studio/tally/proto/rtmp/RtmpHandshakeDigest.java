package studio.tally.proto.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The "digest" (a.k.a. complex) handshake Flash Player, FFmpeg, OBS, nginx-rtmp and FMS use on top of
 * the plain RTMP 1.0 handshake. Not in the Adobe spec; this follows what FFmpeg (rtmpproto.c) and
 * nginx-rtmp (ngx_rtmp_handshake.c) interoperate on.
 *
 * <pre>
 *  C1/S1 (1536 bytes):  time(4) | version(4, non-zero = digest handshake) | 1528 bytes
 *  a 32-byte digest sits somewhere in the 1528 bytes; two layouts ("schemas"):
 *    schema 0: offset = (b[8]+b[9]+b[10]+b[11]) % 728 + 12
 *    schema 1: offset = (b[772]+b[773]+b[774]+b[775]) % 728 + 776
 *  digest = HMAC-SHA256(key, message without the 32 digest bytes)
 *    C1 key: first 30 bytes of the player key ("Genuine Adobe Flash Player 001")
 *    S1 key: first 36 bytes of the server key ("Genuine Adobe Flash Media Server 001")
 *  S2/C2 (1536 bytes):  random(1504) | signature(32)
 *    S2 signature = HMAC-SHA256(HMAC-SHA256(full 68-byte server key, C1 digest), S2[0..1504))
 *    C2 signature = HMAC-SHA256(HMAC-SHA256(full 62-byte player key, S1 digest), C2[0..1504))
 * </pre>
 */
final class RtmpHandshakeDigest {
  static final int PACKET_SIZE = 1536;
  static final int DIGEST_LENGTH = 32;
  /** Schema 0 (FFmpeg's and nginx-rtmp's choice when writing) and schema 1 offsets bases. */
  static final int SCHEMA0 = 8;
  static final int SCHEMA1 = 772;

  private static final byte[] KEY_TAIL = {
      (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, 0x4A, (byte) 0x80, 0x68, (byte) 0xBE, (byte) 0xE8,
      0x2E, 0x00, (byte) 0xD0, (byte) 0xD1, 0x02, (byte) 0x9E, 0x7E, 0x57,
      0x6E, (byte) 0xEC, 0x5D, 0x2D, 0x29, (byte) 0x80, 0x6F, (byte) 0xAB,
      (byte) 0x93, (byte) 0xB8, (byte) 0xE6, 0x36, (byte) 0xCF, (byte) 0xEB, 0x31, (byte) 0xAE};
  /** "Genuine Adobe Flash Player 001" + KEY_TAIL (62 bytes). */
  static final byte[] PLAYER_KEY = concat("Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII), KEY_TAIL);
  static final int PLAYER_KEY_OPEN_PART = 30;
  /** "Genuine Adobe Flash Media Server 001" + KEY_TAIL (68 bytes). */
  static final byte[] SERVER_KEY = concat("Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII), KEY_TAIL);
  static final int SERVER_KEY_OPEN_PART = 36;

  private RtmpHandshakeDigest() {}

  /** Offset of the 32-byte digest in a 1536-byte packet for a schema base (8 or 772). */
  static int digestOffset(byte[] packet, int schemaBase) {
    int sum = (packet[schemaBase] & 0xFF) + (packet[schemaBase + 1] & 0xFF) + (packet[schemaBase + 2] & 0xFF)
        + (packet[schemaBase + 3] & 0xFF);
    return sum % 728 + schemaBase + 4;
  }

  /** HMAC over the packet minus the digest field at {@code offset}. */
  static byte[] packetDigest(byte[] packet, int offset, byte[] key, int keyLength) {
    Mac mac = hmac(key, keyLength);
    mac.update(packet, 0, offset);
    mac.update(packet, offset + DIGEST_LENGTH, PACKET_SIZE - offset - DIGEST_LENGTH);
    return mac.doFinal();
  }

  /** Writes the digest into the packet at the schema's offset; returns that offset. */
  static int imprint(byte[] packet, int schemaBase, byte[] key, int keyLength) {
    int offset = digestOffset(packet, schemaBase);
    System.arraycopy(packetDigest(packet, offset, key, keyLength), 0, packet, offset, DIGEST_LENGTH);
    return offset;
  }

  /** Offset of a valid digest (schema 1 tried first, then 0, as nginx-rtmp does), or -1. */
  static int findDigest(byte[] packet, byte[] key, int keyLength) {
    for (int schemaBase : new int[] {SCHEMA1, SCHEMA0}) {
      int offset = digestOffset(packet, schemaBase);
      byte[] expected = packetDigest(packet, offset, key, keyLength);
      if (MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, offset, offset + DIGEST_LENGTH))) {
        return offset;
      }
    }
    return -1;
  }

  static int schemaOf(int digestOffset) {
    return digestOffset >= SCHEMA1 + 4 ? SCHEMA1 : SCHEMA0;
  }

  /** Signs a 1536-byte S2/C2 in place: last 32 bytes = HMAC(HMAC(fullKey, peerDigest), first 1504). */
  static void signResponse(byte[] response, byte[] peerDigest, byte[] fullKey) {
    byte[] signature = responseSignature(response, peerDigest, fullKey);
    System.arraycopy(signature, 0, response, PACKET_SIZE - DIGEST_LENGTH, DIGEST_LENGTH);
  }

  static boolean responseSignatureValid(byte[] response, byte[] peerDigest, byte[] fullKey) {
    byte[] signature = responseSignature(response, peerDigest, fullKey);
    return MessageDigest.isEqual(signature, Arrays.copyOfRange(response, PACKET_SIZE - DIGEST_LENGTH, PACKET_SIZE));
  }

  private static byte[] responseSignature(byte[] response, byte[] peerDigest, byte[] fullKey) {
    byte[] tempKey = hmac(fullKey, fullKey.length).doFinal(peerDigest);
    Mac mac = hmac(tempKey, tempKey.length);
    mac.update(response, 0, PACKET_SIZE - DIGEST_LENGTH);
    return mac.doFinal();
  }

  private static Mac hmac(byte[] key, int keyLength) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, 0, keyLength, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
