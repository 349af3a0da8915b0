package studio.tally.signaling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to a server whose client side can be cut while the server side stays open and silent:
 * what the server sees when a client's network vanishes without a FIN.
 */
final class CuttableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Link> links = new CopyOnWriteArrayList<>();

  private static final class Link {
    final Socket client;
    final Socket server;
    volatile boolean cut;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }
  }

  CuttableProxy(int upstreamPort) throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!listener.isClosed()) {
        try {
          Socket c = listener.accept();
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", upstreamPort));
          Link l = new Link(c, s);
          links.add(l);
          pump(l, c, s);
          pump(l, s, c);
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  int port() {
    return listener.getLocalPort();
  }

  private static void pump(Link l, Socket from, Socket to) {
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0 && !l.cut) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      }
      if (!l.cut) {
        close(to);
      }
    });
  }

  /** Every existing link stops relaying in both directions; both sides stay open (a black hole). */
  void freeze() {
    for (Link l : links) {
      l.cut = true;
    }
  }

  /** Closes every client-side socket; the server's sockets stay open and hear nothing more. */
  void cutClients() {
    for (Link l : links) {
      l.cut = true;
      close(l.client);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Link l : links) {
      close(l.client);
      close(l.server);
    }
  }
}
