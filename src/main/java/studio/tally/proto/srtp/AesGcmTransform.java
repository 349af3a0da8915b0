package studio.tally.proto.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM for SRTP (RFC 7714 §8) and SRTCP (§9), 16-byte tag.
 * <pre>
 * SRTP IV  (§8.1) = salt XOR ( 00 00 | SSRC | ROC | SEQ )          AAD = RTP header (with CSRCs, extension)
 *   wire: header | ciphertext | tag
 * SRTCP IV (§9.1) = salt XOR ( 00 00 | SSRC | 00 00 | 0 index31 )   AAD = first 8 bytes | E|index
 *   wire: header(8) | ciphertext | tag | E(1)|index(31)
 *   E = 0 (§9.2): nothing encrypted, AAD = whole packet | E|index, plaintext empty
 * </pre>
 * The JDK refuses to encrypt twice with one key and IV; protecting the same index again (an SFU
 * retransmitting a cached packet) re-inits through a throwaway IV first. That is safe here only
 * because a resend of one index carries the same plaintext.
 */
final class AesGcmTransform extends SrtpTransform {
  private static final int TAG = 16;
  private final SecretKeySpec key;
  private final byte[] salt;
  private final Cipher gcm;
  private final byte[] iv = new byte[12];
  private final byte[] lastEncryptIv = new byte[12];
  private final byte[] word = new byte[4];

  AesGcmTransform(SrtpSessionKeys keys) {
    this.key = new SecretKeySpec(keys.encryptionKey(), "AES");
    this.salt = keys.salt().clone();
    try {
      this.gcm = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtp: AES-GCM unavailable", e);
    }
  }

  @Override
  int protectRtp(byte[] a, int off, int len, int headerLength, int ssrc, long index) {
    rtpIv(ssrc, index);
    try {
      init(Cipher.ENCRYPT_MODE);
      gcm.updateAAD(a, off, headerLength);
      return headerLength + gcm.doFinal(a, off + headerLength, len - headerLength, a, off + headerLength);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtp: AES-GCM failed", e);
    }
  }

  @Override
  int unprotectRtp(byte[] a, int off, int len, int headerLength, int ssrc, long index) {
    rtpIv(ssrc, index);
    try {
      init(Cipher.DECRYPT_MODE);
      gcm.updateAAD(a, off, headerLength);
      return headerLength + gcm.doFinal(a, off + headerLength, len - headerLength, a, off + headerLength);
    } catch (AEADBadTagException e) {
      throw new SrtpException(SrtpException.Reason.AUTH, "srtp: GCM tag mismatch for ssrc "
          + Integer.toUnsignedString(ssrc) + " index " + index);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtp: AES-GCM failed", e);
    }
  }

  @Override
  int protectRtcp(byte[] a, int off, int len, int ssrc, int index) {
    rtcpIv(ssrc, index);
    putInt(word, 0, 0x80000000 | index);
    try {
      init(Cipher.ENCRYPT_MODE);
      gcm.updateAAD(a, off, 8);
      gcm.updateAAD(word, 0, 4);
      int n = 8 + gcm.doFinal(a, off + 8, len - 8, a, off + 8);
      System.arraycopy(word, 0, a, off + n, 4);
      return n + 4;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtcp: AES-GCM failed", e);
    }
  }

  @Override
  int unprotectRtcp(byte[] a, int off, int len, int ssrc, int index, boolean encrypted) {
    rtcpIv(ssrc, index);
    System.arraycopy(a, off + len - 4, word, 0, 4);
    try {
      init(Cipher.DECRYPT_MODE);
      if (encrypted) {
        gcm.updateAAD(a, off, 8);
        gcm.updateAAD(word, 0, 4);
        return 8 + gcm.doFinal(a, off + 8, len - 4 - 8, a, off + 8);
      }
      int plain = len - 4 - TAG;
      gcm.updateAAD(a, off, plain);
      gcm.updateAAD(word, 0, 4);
      gcm.doFinal(a, off + plain, TAG, a, off + plain);
      return plain;
    } catch (AEADBadTagException e) {
      throw new SrtpException(SrtpException.Reason.AUTH, "srtcp: GCM tag mismatch for ssrc "
          + Integer.toUnsignedString(ssrc) + " index " + index);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtcp: AES-GCM failed", e);
    }
  }

  private void init(int mode) throws GeneralSecurityException {
    if (mode == Cipher.ENCRYPT_MODE) {
      if (java.util.Arrays.equals(iv, lastEncryptIv)) {
        iv[0] ^= 1; // a throwaway IV resets the JDK's reuse check; never used to encrypt
        gcm.init(mode, key, new GCMParameterSpec(TAG * 8, iv));
        iv[0] ^= 1;
      }
      System.arraycopy(iv, 0, lastEncryptIv, 0, 12);
    }
    gcm.init(mode, key, new GCMParameterSpec(TAG * 8, iv));
  }

  private void rtpIv(int ssrc, long index) {
    System.arraycopy(salt, 0, iv, 0, 12);
    iv[2] ^= (byte) (ssrc >>> 24);
    iv[3] ^= (byte) (ssrc >>> 16);
    iv[4] ^= (byte) (ssrc >>> 8);
    iv[5] ^= (byte) ssrc;
    for (int i = 0; i < 6; i++) {
      iv[6 + i] ^= (byte) (index >>> (40 - 8 * i));
    }
  }

  private void rtcpIv(int ssrc, int index) {
    System.arraycopy(salt, 0, iv, 0, 12);
    iv[2] ^= (byte) (ssrc >>> 24);
    iv[3] ^= (byte) (ssrc >>> 16);
    iv[4] ^= (byte) (ssrc >>> 8);
    iv[5] ^= (byte) ssrc;
    iv[8] ^= (byte) (index >>> 24);
    iv[9] ^= (byte) (index >>> 16);
    iv[10] ^= (byte) (index >>> 8);
    iv[11] ^= (byte) index;
  }
}
