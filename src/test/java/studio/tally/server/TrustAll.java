package studio.tally.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS client sockets that accept the server's self-signed certificate (tests only). */
public final class TrustAll {
  private static final SSLContext CONTEXT = newContext();

  private TrustAll() {}

  /** A TLS socket over a fresh TCP connection to 127.0.0.1:port; the handshake runs on first I/O. */
  static SSLSocket socket(int port) throws IOException {
    Socket tcp = new Socket();
    tcp.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return (SSLSocket) CONTEXT.getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
  }

  /** A TLS client context that accepts any certificate (the same one every call). */
  public static SSLContext context() {
    return CONTEXT;
  }

  private static SSLContext newContext() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
