package studio.tally.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A TLS terminator in front of any TCP backend on 127.0.0.1: nginx's stream module with a
 * self-signed certificate, {@code proxy_pass 127.0.0.1:<backend>}. Puts our own server behind a
 * third-party TLS stack (rtmps:// → plain RTMP, https:// → plain HTTP).
 */
public final class TlsFront implements AutoCloseable {
  private final NginxProcess nginx;
  private final int port;
  private final int backendPort;
  private final SelfSignedCert certificate;

  private TlsFront(int backendPort) {
    this.backendPort = backendPort;
    this.port = FreePort.tcp();
    Path dir = PeerFiles.newDir("nginx-tls-front");
    this.certificate = SelfSignedCert.create(dir);
    // the backend need not be up yet: wait only for our own port
    this.nginx = new NginxProcess("nginx-tls-front", dir, List.of(NginxProcess.STREAM_MODULE),
        "stream {\n" + streamServer(port, certificate, backendPort) + "}\n", List.of(port));
  }

  /** Starts a TLS front on a free port that forwards to 127.0.0.1:backendPort. */
  public static TlsFront start(int backendPort) {
    return new TlsFront(backendPort);
  }

  static String streamServer(int tlsPort, SelfSignedCert cert, int backendPort) {
    return "  server {\n"
        + "    listen 127.0.0.1:" + tlsPort + " ssl;\n"
        + "    ssl_certificate " + cert.certificatePem() + ";\n"
        + "    ssl_certificate_key " + cert.privateKeyPem() + ";\n"
        + "    ssl_protocols TLSv1.2 TLSv1.3;\n"
        + "    proxy_connect_timeout 5s;\n"
        + "    proxy_pass 127.0.0.1:" + backendPort + ";\n"
        + "  }\n";
  }

  /** The TLS port clients connect to. */
  public int port() {
    return port;
  }

  public int backendPort() {
    return backendPort;
  }

  public SelfSignedCert certificate() {
    return certificate;
  }

  public long pid() {
    return nginx.pid();
  }

  public Path errorLog() {
    return nginx.errorLog();
  }

  public Duration startupTime() {
    return nginx.startupTime();
  }

  public String diagnostics() {
    return nginx.diagnostics();
  }

  @Override
  public void close() {
    nginx.close();
  }
}
