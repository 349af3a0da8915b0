package studio.tally.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS identity: a certificate chain and its key, loaded from PEM files or, by default,
 * an ECDSA P-256 self-signed certificate generated on first run and kept in the config directory.
 * The same certificate will sign DTLS for WebRTC, so its SHA-256 fingerprint is what users pin.
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {

  public static final String CERT_FILE = "server-cert.pem";
  public static final String KEY_FILE = "server-key.pem";

  public ServerCertificate {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  /** SHA-256 of the leaf certificate's DER form, as colon-separated upper-case hex (SDP style). */
  public String sha256Fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads {@code certPem} (leaf first, then intermediates) and {@code keyPem} (PKCS#8 or SEC1). */
  public static ServerCertificate load(Path certPem, Path keyPem) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(certPem); PEMParser parser = new PEMParser(r)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException(certPem + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
    if (chain.isEmpty()) {
      throw new IOException(certPem + ": no CERTIFICATE block found");
    }
    PrivateKey key;
    try (Reader r = Files.newBufferedReader(keyPem); PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      key = switch (o) {
        case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case null, default -> throw new IOException(keyPem + ": no unencrypted PRIVATE KEY block found");
      };
    } catch (RuntimeException e) {
      throw new IOException(keyPem + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
    return new ServerCertificate(chain, key);
  }

  /** Loads the certificate kept in {@code dir}, generating and saving one on first use. */
  public static ServerCertificate loadOrCreate(Path dir) throws IOException {
    Path cert = dir.resolve(CERT_FILE);
    Path key = dir.resolve(KEY_FILE);
    if (Files.exists(cert) && Files.exists(key)) {
      return load(cert, key);
    }
    ServerCertificate created = selfSigned("Tally Studio local server", Duration.ofDays(3650));
    Files.createDirectories(dir);
    Files.writeString(cert, toPem(created.leaf()));
    Files.writeString(key, toPem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(created.key(), null).generate()));
    try {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system (Windows): the user profile directory is private already
    }
    return created;
  }

  /** An ECDSA P-256 self-signed certificate valid for localhost and 127.0.0.1. */
  public static ServerCertificate selfSigned(String commonName, Duration validity) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = gen.generateKeyPair();
      X500Name name = new X500Name("CN=" + commonName.replace(",", " ").replace("=", " "));
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          name, new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(validity)), name, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, false, new BasicConstraints(false));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new ServerCertificate(List.of(cert), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create a self-signed certificate: " + e.getMessage(), e);
    }
  }

  public static String toPem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
