package studio.tally.signaling;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for {@code wss://}: the JDK's trust store with host name verification (default), a pinned leaf
 * certificate (SHA-256 of its DER), or anything. (The same three modes as the RTMPS destination; the
 * layering keeps signaling from importing output, so the few lines live here too.)
 */
final class SignalingTls {
  private final SslContext context;
  private final boolean verifyHostname;

  SignalingTls(String fingerprint, boolean insecure) {
    byte[] pin = fingerprint == null || fingerprint.isBlank() ? null : parseFingerprint(fingerprint);
    this.verifyHostname = pin == null && !insecure;
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (pin != null) {
        b.trustManager(new PinnedTrust(pin));
      } else if (insecure) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else {
        b.trustManager(new SystemTrust(systemTrust()));
      }
      this.context = b.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS client context: " + e.getMessage(), e);
    }
  }

  static byte[] parseFingerprint(String text) {
    String hex = text.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("TLS fingerprint must be 32 bytes of SHA-256 in hex (colons optional)");
    }
    return HexFormat.of().parseHex(hex);
  }

  SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = context.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    if (verifyHostname) {
      params.setEndpointIdentificationAlgorithm("HTTPS");
    }
    engine.setSSLParameters(params);
    return handler;
  }

  private static X509TrustManager systemTrust() {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((java.security.KeyStore) null);
      for (TrustManager t : f.getTrustManagers()) {
        if (t instanceof X509TrustManager x) return x;
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the system's trusted certificates: " + e.getMessage(), e);
    }
  }

  private static String sha256(X509Certificate c) throws CertificateException {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new CertificateException(e);
    }
  }

  /**
   * The system's trust, saying what to do when it refuses: a self-signed server (ours, a test box)
   * is the common case, and the JDK's "PKIX path building failed" does not tell a user that a pin helps.
   * (The JDK still checks the host name around this manager.)
   */
  private record SystemTrust(X509TrustManager system) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        system.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        String fp = chain == null || chain.length == 0 ? "none sent" : sha256(chain[0]);
        throw new CertificateException("certificate not trusted (SHA-256 " + fp
            + "): pin this fingerprint or accept any certificate", e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return system.getAcceptedIssuers();
    }
  }

  private record PinnedTrust(byte[] pin) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("server sent no certificate");
      }
      String actual = sha256(chain[0]);
      if (!MessageDigest.isEqual(pin, HexFormat.ofDelimiter(":").parseHex(actual.toLowerCase(Locale.ROOT)))) {
        throw new CertificateException("certificate does not match the pinned fingerprint (server SHA-256 " + actual + ")");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
