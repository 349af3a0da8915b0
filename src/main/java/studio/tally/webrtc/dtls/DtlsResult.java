package studio.tally.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import java.time.Duration;
import java.util.List;

/**
 * What a finished DTLS-SRTP handshake hands to the SRTP layer and to the signaling check.
 *
 * @param srtpProfile the negotiated protection profile ({@link SrtpProfile#id()} is the wire value)
 * @param keyingMaterial RFC 5764 §4.2 exporter output ({@code EXTRACTOR-dtls_srtp}, no context),
 *     {@link SrtpProfile#keyingMaterialLength()} bytes: client key | server key | client salt |
 *     server salt. Our outbound SRTP uses the half of our role (server half as DTLS server,
 *     client half as DTLS client).
 * @param peerCertificateChain the peer's certificates, DER, leaf first (never empty)
 * @param cipherSuite the negotiated TLS cipher suite (IANA value)
 * @param handshakeDuration from session start to handshake completion
 */
public record DtlsResult(
    SrtpProfile srtpProfile, byte[] keyingMaterial, List<byte[]> peerCertificateChain, int cipherSuite,
    Duration handshakeDuration) {

  public DtlsResult {
    if (keyingMaterial.length != srtpProfile.keyingMaterialLength()) {
      throw new IllegalArgumentException("keying material must be " + srtpProfile.keyingMaterialLength() + " bytes");
    }
    if (peerCertificateChain.isEmpty()) {
      throw new IllegalArgumentException("peer certificate chain is empty");
    }
    keyingMaterial = keyingMaterial.clone();
    peerCertificateChain = peerCertificateChain.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] keyingMaterial() {
    return keyingMaterial.clone();
  }

  @Override
  public List<byte[]> peerCertificateChain() {
    return peerCertificateChain.stream().map(byte[]::clone).toList();
  }

  /** The peer's leaf certificate fingerprint as SDP writes it: colon-separated upper-case SHA-256. */
  public String peerFingerprintSha256() {
    return CertificateFingerprint.compute("sha-256", peerCertificateChain.getFirst()).hex();
  }

  /**
   * Compares the peer's leaf certificate with the {@code a=fingerprint} of its SDP (RFC 8122 §5):
   * {@code sdpHash} is sha-1, sha-224, sha-256, sha-384 or sha-512 (case-insensitive), {@code sdpHex}
   * the digest in hex, colons optional. An unknown hash function or malformed hex is a mismatch.
   */
  public boolean verifyPeerFingerprint(String sdpHash, String sdpHex) {
    try {
      return CertificateFingerprint.of(sdpHash, sdpHex).matches(peerCertificateChain.getFirst());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    // never print the keying material
    return "DtlsResult[" + srtpProfile + ", cipherSuite=0x" + Integer.toHexString(cipherSuite) + ", peer sha-256 "
        + peerFingerprintSha256() + ", " + handshakeDuration.toMillis() + " ms]";
  }
}
