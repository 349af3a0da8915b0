package studio.tally.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import studio.tally.testing.SelfSignedCert;

/**
 * A TLS terminator (JDK SSLServerSocket) in front of a plain TCP backend that writes every byte of the
 * backend → client direction as its own TLS record (one write, one flush per byte): the
 * fragmentation that broke RootEncoder's RTMPS. Client → backend is forwarded as read.
 */
final class OneByteTlsProxy implements AutoCloseable {
  private final SSLServerSocket server;
  private final int backendPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile long recordsWritten;

  OneByteTlsProxy(SelfSignedCert cert, int backendPort) throws Exception {
    this.backendPort = backendPort;
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", cert.keyPair().getPrivate(), new char[0], new Certificate[] {cert.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    start("one-byte-tls-accept", this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  long recordsWritten() {
    return recordsWritten;
  }

  private void start(String name, Runnable r) {
    threads.add(Thread.ofPlatform().daemon().name(name).start(r));
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
        sockets.add(client);
        sockets.add(backend);
        start("one-byte-tls-up", () -> pump(client, backend, false));
        start("one-byte-tls-down", () -> pump(backend, client, true));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean byteByByte) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (byteByByte) {
          for (int i = 0; i < n; i++) {
            out.write(buf[i]);
            out.flush();
            recordsWritten++;
          }
        } else {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // either side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    for (Socket s : sockets) closeQuietly(s);
    for (Thread t : threads) t.join(2000);
  }
}
