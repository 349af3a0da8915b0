package studio.tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A small RFC 6455 client over a plain or TLS socket, for tests that need what browsers will not do:
 * stop answering pings, send a 1 MB frame. It answers pings while reading unless told to go silent.
 */
final class RawWebSocket implements AutoCloseable {
  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private volatile boolean answerPings = true;
  int pingsSeen;
  Integer closeCode;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawWebSocket connect(int port, String path) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      return handshake(s, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawWebSocket connectTls(int port, String path) {
    try {
      return handshake(TrustAll.socket(port), path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP answer to an upgrade attempt that is expected to fail: status line + body. */
  static String tryUpgrade(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.getOutputStream().write(upgradeRequest(path).getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(5000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String upgradeRequest(String path) {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  private static RawWebSocket handshake(Socket s, String path) throws IOException {
    s.setSoTimeout(10_000);
    s.getOutputStream().write(upgradeRequest(path).getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during handshake: " + head);
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    if (!h.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + h);
    }
    return new RawWebSocket(s);
  }

  void silent() {
    answerPings = false;
  }

  void sendText(String text) {
    sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  synchronized void sendFrame(int opcode, byte[] payload) {
    try {
      ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
      f.write(0x80 | opcode);
      int n = payload.length;
      if (n < 126) {
        f.write(0x80 | n);
      } else if (n < 65536) {
        f.write(0x80 | 126);
        f.write(n >> 8);
        f.write(n);
      } else {
        f.write(0x80 | 127);
        for (int i = 7; i >= 0; i--) {
          f.write((int) ((long) n >> (8 * i)));
        }
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      f.write(mask);
      for (int i = 0; i < n; i++) {
        f.write(payload[i] ^ mask[i & 3]);
      }
      out.write(f.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next text message within {@code timeout}; null when the socket closed first. */
  String nextText(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          return null;
        }
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        int op = b0 & 0x0f;
        switch (op) {
          case 0x1 -> {
            return new String(payload, StandardCharsets.UTF_8);
          }
          case 0x8 -> {
            closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            return null;
          }
          case 0x9 -> {
            pingsSeen++;
            if (answerPings) {
              sendFrame(0xA, payload);
            }
          }
          default -> { }
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no message within " + timeout);
    } catch (IOException e) {
      return null; // reset by the server
    }
  }

  JsonNode nextJson(Duration timeout) {
    String t = nextText(timeout);
    if (t == null) {
      throw new AssertionError("socket closed (code " + closeCode + ") while a message was expected");
    }
    try {
      return RawHttp.JSON.readTree(t);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + t, e);
    }
  }

  JsonNode nextJson() {
    return nextJson(Duration.ofSeconds(5));
  }

  /** Sends a request and returns the next message (the reply: nothing else is expected in between). */
  JsonNode request(String json) {
    sendText(json);
    return nextJson();
  }

  /** Reads until the server closes; true if it did within {@code timeout}. */
  boolean awaitClosed(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try {
        if (nextText(Duration.ofMillis(Math.max(1, (end - System.nanoTime()) / 1_000_000))) == null) {
          return true;
        }
      } catch (AssertionError e) {
        return false;
      }
    }
    return false;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
