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

  private record PinnedTrust(byte[] pin) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("server sent no certificate");
      }
      byte[] actual;
      try {
        actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
      } catch (GeneralSecurityException e) {
        throw new CertificateException(e);
      }
      if (!MessageDigest.isEqual(pin, actual)) {
        throw new CertificateException("certificate does not match the pinned fingerprint (server SHA-256 "
            + HexFormat.ofDelimiter(":").withUpperCase().formatHex(actual) + ")");
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
