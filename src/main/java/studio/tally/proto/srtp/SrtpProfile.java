package studio.tally.proto.srtp;

/**
 * DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) with their key, salt and tag
 * lengths in bytes. The SRTCP tag of {@code _32} is still 80 bits (RFC 5764 §4.1.2).
 */
public enum SrtpProfile {
  AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10, 10),
  AES_CM_128_HMAC_SHA1_32(0x0002, 16, 14, 4, 10),
  AEAD_AES_128_GCM(0x0007, 16, 12, 16, 16);

  private final int id;
  private final int keyLength;
  private final int saltLength;
  private final int rtpTagLength;
  private final int rtcpTagLength;

  SrtpProfile(int id, int keyLength, int saltLength, int rtpTagLength, int rtcpTagLength) {
    this.id = id;
    this.keyLength = keyLength;
    this.saltLength = saltLength;
    this.rtpTagLength = rtpTagLength;
    this.rtcpTagLength = rtcpTagLength;
  }

  /** The SRTPProtectionProfile value of the use_srtp extension. */
  public int id() {
    return id;
  }

  public int keyLength() {
    return keyLength;
  }

  public int saltLength() {
    return saltLength;
  }

  public int rtpTagLength() {
    return rtpTagLength;
  }

  public int rtcpTagLength() {
    return rtcpTagLength;
  }

  /** True for the AEAD (GCM) profiles: no separate auth key, the tag comes from the cipher. */
  public boolean aead() {
    return this == AEAD_AES_128_GCM;
  }

  /** Bytes an SRTP packet grows by when protected. */
  public int rtpOverhead() {
    return rtpTagLength;
  }

  /** Bytes an SRTCP packet grows by when protected: the tag plus the E|SRTCP index word. */
  public int rtcpOverhead() {
    return rtcpTagLength + 4;
  }

  /** Bytes of DTLS exporter material this profile needs: 2 × (key + salt) (RFC 5764 §4.2). */
  public int keyingMaterialLength() {
    return 2 * (keyLength + saltLength);
  }

  /** The profile with this use_srtp id, or null when we do not support it. */
  public static SrtpProfile ofId(int id) {
    for (SrtpProfile p : values()) {
      if (p.id == id) {
        return p;
      }
    }
    return null;
  }
}
