package studio.tally.server.webrtc.dtls;

import java.util.Optional;

/**
 * The SRTP protection profiles this server negotiates through the DTLS {@code use_srtp} extension
 * (RFC 5764 §4.1.2, RFC 7714 §14.2), with the key and salt lengths that size the exporter output
 * (RFC 5764 §4.2: client key, server key, client salt, server salt).
 */
public enum DtlsSrtpProfile {
  /** SRTP_AEAD_AES_128_GCM, RFC 7714: 128-bit key, 96-bit salt. */
  AEAD_AES_128_GCM(0x0007, 16, 12),
  /** SRTP_AES128_CM_HMAC_SHA1_80, RFC 5764: 128-bit key, 112-bit salt. */
  AES128_CM_HMAC_SHA1_80(0x0001, 16, 14);

  private final int id;
  private final int keyLength;
  private final int saltLength;

  DtlsSrtpProfile(int id, int keyLength, int saltLength) {
    this.id = id;
    this.keyLength = keyLength;
    this.saltLength = saltLength;
  }

  /** The two-byte SRTPProtectionProfile value on the wire (same numbering as {@code proto.srtp}). */
  public int id() {
    return id;
  }

  public int keyLength() {
    return keyLength;
  }

  public int saltLength() {
    return saltLength;
  }

  /** Bytes to export with the label {@code EXTRACTOR-dtls_srtp}: {@code 2 * (key + salt)}. */
  public int keyingMaterialLength() {
    return 2 * (keyLength + saltLength);
  }

  public static Optional<DtlsSrtpProfile> byId(int id) {
    for (DtlsSrtpProfile p : values()) {
      if (p.id == id) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
