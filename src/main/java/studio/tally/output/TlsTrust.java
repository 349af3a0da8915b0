package studio.tally.output;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
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
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import io.netty.buffer.ByteBufAllocator;

/**
 * How a TLS client (an rtmps destination, a player) decides to trust the server: the JDK's default trust store with host name
 * verification, a pinned leaf certificate (SHA-256 of its DER, like MediaMTX's fingerprint option),
 * or anything (insecure). Remembers why the last certificate was refused so the destination can say
 * it in words, with the fingerprint to pin.
 */
public final class TlsTrust implements studio.tally.webrtc.WebRtcClientTransport.RelayTls {
  private final SslContext context;
  private final Checker checker;
  private final boolean verifyHostname;

  /**
   * @param fingerprint SHA-256 hex, colons optional, any case; null or empty for no pin
   */
  public TlsTrust(String fingerprint, boolean insecure) {
    byte[] pin = fingerprint == null || fingerprint.isBlank() ? null : parseFingerprint(fingerprint);
    this.checker = new Checker(pin, insecure, pin == null && !insecure ? defaultTrustManager() : null);
    this.verifyHostname = pin == null && !insecure;
    try {
      this.context = SslContextBuilder.forClient().trustManager(checker).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS client context: " + e.getMessage(), e);
    }
  }

  static byte[] parseFingerprint(String text) {
    String hex = text.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    if (hex.startsWith("sha256/")) hex = hex.substring(7);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("TLS fingerprint must be 32 bytes of SHA-256 in hex (colons optional), got "
          + text.length() + " characters");
    }
    return HexFormat.of().parseHex(hex);
  }

  static String fingerprint(X509Certificate cert) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      return "unknown";
    }
  }

  /** A client SslHandler for host:port with SNI and, for default trust, host name verification. */
  @Override
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = context.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    if (verifyHostname) params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return handler;
  }

  /** Why the last server certificate was refused, or null. */
  @Override
  public String lastFailure() {
    return checker.failure;
  }

  private static X509ExtendedTrustManager defaultTrustManager() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) return x;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no default trust store: " + e.getMessage(), e);
    }
    throw new IllegalStateException("the default trust manager factory has no X509ExtendedTrustManager");
  }

  private static final class Checker extends X509ExtendedTrustManager {
    private final byte[] pin;
    private final boolean insecure;
    private final X509ExtendedTrustManager delegate;
    volatile String failure;

    Checker(byte[] pin, boolean insecure, X509ExtendedTrustManager delegate) {
      this.pin = pin;
      this.insecure = insecure;
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      check(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain, authType, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain, authType, null);
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      failure = null;
      if (chain == null || chain.length == 0) {
        failure = "server sent no certificate";
        throw new CertificateException(failure);
      }
      String fp = fingerprint(chain[0]);
      if (pin != null) {
        byte[] actual = HexFormat.ofDelimiter(":").parseHex(fp.toLowerCase(Locale.ROOT));
        if (!MessageDigest.isEqual(pin, actual)) {
          failure = "certificate does not match the pinned fingerprint (server SHA-256 " + fp + ")";
          throw new CertificateException(failure);
        }
        return;
      }
      if (insecure) return;
      try {
        if (engine != null) delegate.checkServerTrusted(chain, authType, engine);
        else delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        failure = "certificate not trusted (SHA-256 " + fp + "); pin it with --tls-fingerprint or use --insecure-tls ("
            + shortCause(e) + ")";
        throw new CertificateException(failure, e);
      }
    }

    private static String shortCause(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return m.length() > 160 ? m.substring(0, 160) + "…" : m;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate == null ? new X509Certificate[0] : ((X509TrustManager) delegate).getAcceptedIssuers();
    }
  }
}
