package studio.tally.proto.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES_CM_128 + HMAC-SHA1 (RFC 3711 §4.1.1, §4.2.1), SRTP and SRTCP.
 * <pre>
 * IV  = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16)      i = ROC·2^16 + SEQ, or the SRTCP index
 * SRTP  = header | AES-CTR(payload) | HMAC-SHA1(k_a, header | enc payload | ROC)[0..tag)
 * SRTCP = header(8) | AES-CTR(rest) | E(1)|index(31) | HMAC-SHA1(k_a, all before the tag)[0..10)
 * </pre>
 */
final class AesCmTransform extends SrtpTransform {
  private final SecretKeySpec key;
  private final byte[] salt;
  private final Cipher ctr;
  private final Mac mac;
  private final int rtpTagLength;
  private final int rtcpTagLength;
  private final byte[] iv = new byte[16];
  private final byte[] digest = new byte[20];
  private final byte[] rocBytes = new byte[4];

  AesCmTransform(SrtpSessionKeys keys, SrtpProfile profile) {
    this.key = new SecretKeySpec(keys.encryptionKey(), "AES");
    this.salt = keys.salt().clone();
    this.rtpTagLength = profile.rtpTagLength();
    this.rtcpTagLength = profile.rtcpTagLength();
    try {
      this.ctr = Cipher.getInstance("AES/CTR/NoPadding");
      this.mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(keys.authKey(), "HmacSHA1"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtp: AES-CTR/HmacSHA1 unavailable", e);
    }
  }

  @Override
  int protectRtp(byte[] a, int off, int len, int headerLength, int ssrc, long index) {
    crypt(a, off + headerLength, len - headerLength, ssrc, index);
    authenticate(a, off, len, true, (int) (index >>> 16));
    System.arraycopy(digest, 0, a, off + len, rtpTagLength);
    return len + rtpTagLength;
  }

  @Override
  int unprotectRtp(byte[] a, int off, int len, int headerLength, int ssrc, long index) {
    int body = len - rtpTagLength;
    authenticate(a, off, body, true, (int) (index >>> 16));
    if (!tagEquals(a, off + body, rtpTagLength)) {
      throw new SrtpException(SrtpException.Reason.AUTH, "srtp: auth tag mismatch for ssrc "
          + Integer.toUnsignedString(ssrc) + " index " + index);
    }
    crypt(a, off + headerLength, body - headerLength, ssrc, index);
    return body;
  }

  @Override
  int protectRtcp(byte[] a, int off, int len, int ssrc, int index) {
    crypt(a, off + 8, len - 8, ssrc, index);
    putInt(a, off + len, 0x80000000 | index);
    authenticate(a, off, len + 4, false, 0);
    System.arraycopy(digest, 0, a, off + len + 4, rtcpTagLength);
    return len + 4 + rtcpTagLength;
  }

  @Override
  int unprotectRtcp(byte[] a, int off, int len, int ssrc, int index, boolean encrypted) {
    int body = len - rtcpTagLength;
    authenticate(a, off, body, false, 0);
    if (!tagEquals(a, off + body, rtcpTagLength)) {
      throw new SrtpException(SrtpException.Reason.AUTH, "srtcp: auth tag mismatch for ssrc "
          + Integer.toUnsignedString(ssrc) + " index " + index);
    }
    int plain = body - 4;
    if (encrypted) {
      crypt(a, off + 8, plain - 8, ssrc, index);
    }
    return plain;
  }

  private void crypt(byte[] a, int from, int n, int ssrc, long index) {
    System.arraycopy(salt, 0, iv, 0, 14);
    iv[14] = 0;
    iv[15] = 0;
    iv[4] ^= (byte) (ssrc >>> 24);
    iv[5] ^= (byte) (ssrc >>> 16);
    iv[6] ^= (byte) (ssrc >>> 8);
    iv[7] ^= (byte) ssrc;
    for (int i = 0; i < 6; i++) {
      iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
    }
    try {
      ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      ctr.doFinal(a, from, n, a, from);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("srtp: AES-CTR failed", e);
    }
  }

  /** HMAC-SHA1 over {@code [off, off+n)}, then the ROC for SRTP (SRTCP has none). */
  private void authenticate(byte[] a, int off, int n, boolean withRoc, int roc) {
    mac.update(a, off, n);
    if (withRoc) {
      putInt(rocBytes, 0, roc);
      mac.update(rocBytes, 0, 4);
    }
    try {
      mac.doFinal(digest, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean tagEquals(byte[] a, int at, int n) {
    int diff = 0;
    for (int i = 0; i < n; i++) {
      diff |= a[at + i] ^ digest[i];
    }
    return diff == 0;
  }
}
