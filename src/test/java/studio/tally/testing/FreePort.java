package studio.tally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for peers. The OS picks an ephemeral port, we close the socket and hand the
 * number out; a port is never handed out twice by this JVM, so two peers started in one test cannot
 * collide with each other (another process on the machine still could grab it: keep the gap short).
 */
public final class FreePort {
  private static final Set<String> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  /** The loopback address every test talks to. */
  public static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }

  /** A TCP port on 127.0.0.1 that nothing listens on right now. */
  public static int tcp() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (var socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = socket.getLocalPort();
        if (HANDED_OUT.add("tcp:" + port)) return port;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind a TCP socket on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("no free TCP port on 127.0.0.1 after 50 attempts");
  }

  /** A UDP port on 127.0.0.1 that nothing is bound to right now. */
  public static int udp() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (var socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add("udp:" + port)) return port;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind a UDP socket on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("no free UDP port on 127.0.0.1 after 50 attempts");
  }

  /** True when something accepts TCP connections on 127.0.0.1:port. */
  public static boolean accepts(int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
