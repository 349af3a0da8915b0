package studio.tally.webrtc.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate and key one end of DTLS presents (either role). The server passes its TLS
 * certificate; a WebRTC client (the WHIP destination) makes a fresh self-signed one per session, as
 * browsers do: only its SDP fingerprint matters (RFC 8827 §6.5).
 *
 * @param chain leaf first, never empty
 */
public record DtlsIdentity(List<X509Certificate> chain, PrivateKey key) {

  public DtlsIdentity {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    java.util.Objects.requireNonNull(key, "key");
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  /** The leaf's SHA-256 fingerprint, for {@code a=fingerprint:sha-256}. */
  public CertificateFingerprint fingerprint() {
    try {
      return CertificateFingerprint.compute("sha-256", leaf().getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  /** The leaf's SHA-256 fingerprint as SDP writes it: colon-separated upper-case hex. */
  public String sha256Fingerprint() {
    return fingerprint().hex();
  }

  /** A fresh ECDSA P-256 self-signed certificate valid for 30 days. */
  public static DtlsIdentity selfSigned(String commonName) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = gen.generateKeyPair();
      X500Name name = new X500Name("CN=" + commonName.replace(",", " ").replace("=", " "));
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          name, new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, false, new BasicConstraints(false));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new DtlsIdentity(List.of(cert), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create a self-signed certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "DtlsIdentity[" + leaf().getSubjectX500Principal() + "]"; // never the key
  }
}
