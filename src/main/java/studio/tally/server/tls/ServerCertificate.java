package studio.tally.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
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

  /** A key manager that offers this chain and key to every TLS client (the server's one identity). */
  public X509ExtendedKeyManager keyManager() {
    X509Certificate[] certificates = chain.toArray(new X509Certificate[0]);
    return new X509ExtendedKeyManager() {
      private static final String ALIAS = "tally";

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        // the TLS stack asks once per key type it could use ("EC", "RSA", "EdDSA", ...): ours or none
        return family(keyType).equals(family(key.getAlgorithm())) ? new String[] {ALIAS} : null;
      }

      private static String family(String algorithm) {
        return algorithm.startsWith("Ed") ? "EdDSA" : algorithm; // Ed25519 and Ed448 keys sign as EdDSA
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        String[] aliases = getServerAliases(keyType, issuers);
        return aliases == null ? null : ALIAS;
      }

      @Override
      public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? certificates.clone() : null;
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
      }
    };
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

  /**
   * Loads {@code certPem} (leaf first, then intermediates) and {@code keyPem} (PKCS#8, SEC1 or PKCS#1).
   * Certificates and PKCS#8 keys (what {@link #loadOrCreate} writes) are read with the JDK alone:
   * BouncyCastle's PEM and ASN.1 classes (~700) are loaded only for the SEC1/PKCS#1 key forms.
   */
  public static ServerCertificate load(Path certPem, Path keyPem) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (PemBlock block : PemBlock.all(Files.readString(certPem))) {
        if (block.type().equals("CERTIFICATE")) {
          chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(certPem + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
    if (chain.isEmpty()) {
      throw new IOException(certPem + ": no CERTIFICATE block found");
    }
    PemBlock keyBlock;
    try {
      keyBlock = PemBlock.all(Files.readString(keyPem)).stream()
          .filter(b -> b.type().endsWith("PRIVATE KEY")).findFirst()
          .orElseThrow(() -> new IOException(keyPem + ": no unencrypted PRIVATE KEY block found"));
    } catch (IllegalArgumentException e) {
      throw new IOException(keyPem + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
    PrivateKey key = switch (keyBlock.type()) {
      case "PRIVATE KEY" -> pkcs8(keyBlock.der(), keyPem);
      case "EC PRIVATE KEY", "RSA PRIVATE KEY" -> legacyKey(keyPem);
      default -> throw new IOException(keyPem + ": no unencrypted PRIVATE KEY block found (found "
          + keyBlock.type() + ")");
    };
    return new ServerCertificate(chain, key);
  }

  private static PrivateKey pkcs8(byte[] der, Path keyPem) throws IOException {
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IOException(keyPem + ": not a PEM private key (PKCS#8 key of no EC, RSA or EdDSA algorithm)");
  }

  /** SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY") keys, which the JDK does not parse. */
  private static PrivateKey legacyKey(Path keyPem) throws IOException {
    try (Reader r = Files.newBufferedReader(keyPem); PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (o) {
        case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case null, default -> throw new IOException(keyPem + ": no unencrypted PRIVATE KEY block found");
      };
    } catch (RuntimeException e) {
      throw new IOException(keyPem + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
  }

  /** One {@code -----BEGIN type----- base64 -----END type-----} block of a PEM file. */
  private record PemBlock(String type, byte[] der) {
    private static final java.util.regex.Pattern BLOCK = java.util.regex.Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    /** Every block in {@code text}, in order; text around them (openssl's "Bag Attributes") is skipped. */
    static List<PemBlock> all(String text) {
      List<PemBlock> blocks = new ArrayList<>();
      var m = BLOCK.matcher(text);
      while (m.find()) {
        blocks.add(new PemBlock(m.group(1), Base64.getMimeDecoder().decode(m.group(2).strip())));
      }
      return blocks;
    }
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
