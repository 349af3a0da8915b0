package studio.tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client over a plain or TLS socket: writes exactly the bytes it is
 * given and reads the answer until the server closes. Good for malformed requests that real clients
 * refuse to send.
 */
final class RawHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: status code (-1 when the server closed without one), headers, body. */
  record Response(int status, Map<String, String> headers, String body, boolean closedByServer) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + e.getMessage() + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body;
    }
  }

  private RawHttp() {}

  static Response get(int port, boolean tls, String path) {
    return request(port, tls, "GET", path);
  }

  static Response request(int port, boolean tls, String method, String path) {
    return send(port, tls, (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Sends raw bytes and reads the response until EOF (15 s read timeout). */
  static Response send(int port, boolean tls, byte[] request) {
    try (Socket s = open(port, tls)) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("HTTP to 127.0.0.1:" + port + (tls ? " (tls)" : "") + " failed", e);
    }
  }

  static Socket open(int port, boolean tls) throws IOException {
    if (tls) {
      return TrustAll.socket(port);
    }
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return s;
  }

  /** Reads a whole response (until EOF); a reset after some bytes still returns what came. */
  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    boolean closed = false;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        all.write(buf, 0, n);
      }
      closed = true;
    } catch (SocketException e) {
      closed = true; // reset by the server after it answered
      if (all.size() == 0) {
        throw e;
      }
    } catch (SocketTimeoutException e) {
      if (all.size() == 0) {
        throw e;
      }
    }
    return parse(all.toString(StandardCharsets.ISO_8859_1), closed);
  }

  static Response parse(String raw, boolean closed) {
    int end = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/1.1 ") || end < 0) {
      return new Response(-1, Map.of(), raw, closed);
    }
    String[] lines = raw.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
    }
    String body = new String(raw.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    return new Response(status, headers, body, closed);
  }
}
