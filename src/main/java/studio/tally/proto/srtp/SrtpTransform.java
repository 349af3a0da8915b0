package studio.tally.proto.srtp;

/**
 * The cipher and authentication of one key set (the SRTP or the SRTCP session keys), working in
 * place on a byte array. Holds reusable {@code Cipher}/{@code Mac} instances and scratch arrays:
 * single-threaded, like the {@link SrtpContext} that owns it. The context does header parsing, index
 * estimation and replay; a transform only sees offsets and the index.
 */
abstract sealed class SrtpTransform permits AesCmTransform, AesGcmTransform {

  static SrtpTransform create(SrtpProfile profile, SrtpSessionKeys keys) {
    return profile.aead() ? new AesGcmTransform(keys) : new AesCmTransform(keys, profile);
  }

  /**
   * Encrypts the payload {@code [off+headerLength, off+len)} and appends the tag.
   * The array must have room for it. Returns the new length.
   */
  abstract int protectRtp(byte[] a, int off, int len, int headerLength, int ssrc, long index);

  /** Verifies the tag at the end, then decrypts in place. Returns the length without the tag. */
  abstract int unprotectRtp(byte[] a, int off, int len, int headerLength, int ssrc, long index)
      throws SrtpException;

  /** Encrypts from byte 8, appends tag and the E|index word in this profile's order. New length. */
  abstract int protectRtcp(byte[] a, int off, int len, int ssrc, int index);

  /**
   * Verifies and, when {@code encrypted}, decrypts. {@code len} includes tag and E|index word.
   * Returns the length of the plain RTCP compound packet.
   */
  abstract int unprotectRtcp(byte[] a, int off, int len, int ssrc, int index, boolean encrypted)
      throws SrtpException;

  static void putInt(byte[] a, int at, int v) {
    a[at] = (byte) (v >>> 24);
    a[at + 1] = (byte) (v >>> 16);
    a[at + 2] = (byte) (v >>> 8);
    a[at + 3] = (byte) v;
  }

  static int getInt(byte[] a, int at) {
    return (a[at] & 0xff) << 24 | (a[at + 1] & 0xff) << 16 | (a[at + 2] & 0xff) << 8 | (a[at + 3] & 0xff);
  }
}
