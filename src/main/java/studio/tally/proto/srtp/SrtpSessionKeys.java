package studio.tally.proto.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session keys of one stream direction (SRTP or SRTCP), derived from the master key and salt with
 * the AES-CM PRF of RFC 3711 §4.3.1/§4.3.3, key derivation rate 0 (so r = 0 and the index does not
 * enter):
 * <pre>
 * x     = label (at byte 7) XOR master_salt (zero-padded to 14 bytes for the 12-byte AEAD salt)
 * IV    = x · 2^16
 * k_X   = AES-CTR(master_key, IV) over zero bytes, truncated
 * labels: 0 SRTP enc, 1 SRTP auth, 2 SRTP salt, 3 SRTCP enc, 4 SRTCP auth, 5 SRTCP salt
 * </pre>
 * The 12-byte AEAD salt follows libsrtp (RFC 7714 §11 gives no vector).
 *
 * @param encryptionKey the session encryption key
 * @param salt the session salt (14 bytes AES-CM, 12 bytes GCM)
 * @param authKey the HMAC-SHA1 key (20 bytes), empty for AEAD profiles
 */
public record SrtpSessionKeys(byte[] encryptionKey, byte[] salt, byte[] authKey) {
  static final int LABEL_RTP_ENCRYPTION = 0;
  static final int LABEL_RTP_AUTH = 1;
  static final int LABEL_RTP_SALT = 2;
  static final int LABEL_RTCP_ENCRYPTION = 3;
  static final int LABEL_RTCP_AUTH = 4;
  static final int LABEL_RTCP_SALT = 5;
  private static final int AUTH_KEY_LENGTH = 20;

  /** Derives the SRTP (rtcp = false) or SRTCP (rtcp = true) session keys. */
  public static SrtpSessionKeys derive(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, boolean rtcp) {
    if (masterKey.length != profile.keyLength()) {
      throw new IllegalArgumentException("srtp: master key is " + masterKey.length + " bytes, " + profile
          + " needs " + profile.keyLength());
    }
    if (masterSalt.length != profile.saltLength()) {
      throw new IllegalArgumentException("srtp: master salt is " + masterSalt.length + " bytes, " + profile
          + " needs " + profile.saltLength());
    }
    int base = rtcp ? LABEL_RTCP_ENCRYPTION : LABEL_RTP_ENCRYPTION;
    byte[] enc = prf(masterKey, masterSalt, base, profile.keyLength());
    byte[] auth = profile.aead() ? new byte[0] : prf(masterKey, masterSalt, base + 1, AUTH_KEY_LENGTH);
    byte[] salt = prf(masterKey, masterSalt, base + 2, profile.saltLength());
    return new SrtpSessionKeys(enc, salt, auth);
  }

  /** The AES-CM PRF: {@code length} bytes of keystream for this label (RFC 3711 §4.3.3). */
  static byte[] prf(byte[] masterKey, byte[] masterSalt, int label, int length) {
    byte[] iv = new byte[16];
    System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
    iv[7] ^= (byte) label;
    try {
      Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
      return ctr.doFinal(new byte[length]);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtp: AES-CTR unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "SrtpSessionKeys[...]";
  }
}
