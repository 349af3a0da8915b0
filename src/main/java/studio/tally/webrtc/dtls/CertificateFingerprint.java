package studio.tally.webrtc.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as SDP carries it ({@code a=fingerprint:sha-256 AB:CD:...}, RFC 8122 §5):
 * a hash function name from the IANA "Hash Function Textual Names" registry and the digest of the
 * certificate's DER encoding.
 *
 * @param hashFunction lower-case textual name: sha-1, sha-224, sha-256, sha-384 or sha-512
 * @param digest the raw digest bytes
 */
public record CertificateFingerprint(String hashFunction, byte[] digest) {

  private static final HexFormat SDP_HEX = HexFormat.ofDelimiter(":").withUpperCase();

  public CertificateFingerprint {
    hashFunction = hashFunction.toLowerCase(Locale.ROOT);
    int expected = digestLength(jcaName(hashFunction));
    if (digest.length != expected) {
      throw new IllegalArgumentException(hashFunction + " digest must be " + expected + " bytes, got " + digest.length);
    }
    digest = digest.clone();
  }

  /** Parses the value of an SDP {@code a=fingerprint:} attribute, e.g. {@code "sha-256 AB:CD:..."}. */
  public static CertificateFingerprint parse(String sdpValue) {
    String[] parts = sdpValue.strip().split("\\s+");
    if (parts.length != 2) {
      throw new IllegalArgumentException("fingerprint must be '<hash-func> <hex>': " + sdpValue);
    }
    return of(parts[0], parts[1]);
  }

  /** From the two SDP fields; hex is case-insensitive, colons optional. */
  public static CertificateFingerprint of(String hashFunction, String hex) {
    String compact = hex.strip().replace(":", "");
    byte[] digest;
    try {
      digest = HexFormat.of().parseHex(compact);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fingerprint is not hex: " + hex, e);
    }
    return new CertificateFingerprint(hashFunction, digest);
  }

  /** The fingerprint of a DER-encoded certificate with the given hash function. */
  public static CertificateFingerprint compute(String hashFunction, byte[] certificateDer) {
    return new CertificateFingerprint(hashFunction, digest(jcaName(hashFunction.toLowerCase(Locale.ROOT)), certificateDer));
  }

  /** True when {@code certificateDer} hashes to this fingerprint (constant-time comparison). */
  public boolean matches(byte[] certificateDer) {
    return MessageDigest.isEqual(digest, digest(jcaName(hashFunction), certificateDer));
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  /** Colon-separated upper-case hex, as in SDP. */
  public String hex() {
    return SDP_HEX.formatHex(digest);
  }

  /** The SDP attribute value: {@code "sha-256 AB:CD:..."}. */
  public String toSdpValue() {
    return hashFunction + " " + hex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificateFingerprint f && f.hashFunction.equals(hashFunction)
        && MessageDigest.isEqual(f.digest, digest);
  }

  @Override
  public int hashCode() {
    return hashFunction.hashCode() * 31 + java.util.Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return toSdpValue();
  }

  private static String jcaName(String hashFunction) {
    return switch (hashFunction) {
      case "sha-1" -> "SHA-1";
      case "sha-224" -> "SHA-224";
      case "sha-256" -> "SHA-256";
      case "sha-384" -> "SHA-384";
      case "sha-512" -> "SHA-512";
      default -> throw new IllegalArgumentException("unsupported fingerprint hash function: " + hashFunction);
    };
  }

  private static int digestLength(String jcaName) {
    return switch (jcaName) {
      case "SHA-1" -> 20;
      case "SHA-224" -> 28;
      case "SHA-256" -> 32;
      case "SHA-384" -> 48;
      default -> 64;
    };
  }

  private static byte[] digest(String jcaName, byte[] data) {
    try {
      return MessageDigest.getInstance(jcaName).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " missing from the JDK", e);
    }
  }
}
