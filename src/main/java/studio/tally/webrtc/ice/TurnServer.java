package studio.tally.webrtc.ice;

import java.util.Locale;

/**
 * A TURN server a client may relay through (RFC 8656, long-term credentials RFC 8489 §9.2), from a URL
 * a user types ({@code turn:user:pass@host:port?transport=udp}, the spelling of {@code tally call
 * --ice-server}) or from a WHIP answer's {@code Link: <turn:host:port?transport=udp>; rel="ice-server";
 * username="u"; credential="p"} (RFC 9725 §4.6). The client reaches the server over UDP
 * ({@code turn:}), one TCP connection ({@code turn:...?transport=tcp}) or TLS over TCP ({@code turns:},
 * port 5349 by default, RFC 7065); the relay toward peers is UDP in every case. DTLS
 * ({@code turns:...?transport=udp}) is refused with a clear reason. The password is never shown by
 * {@link #toString()}.
 */
public record TurnServer(String host, int port, String username, String password, Transport transport) {
  public static final int DEFAULT_PORT = 3478;
  public static final int DEFAULT_TLS_PORT = 5349;

  /** How the client reaches the TURN server. */
  public enum Transport {
    UDP, TCP, TLS;

    /** Whether messages go on a byte stream (framed by their own lengths, ChannelData padded). */
    public boolean stream() {
      return this != UDP;
    }
  }

  /** A TURN server reached over UDP. */
  public TurnServer(String host, int port, String username, String password) {
    this(host, port, username, password, Transport.UDP);
  }

  public TurnServer {
    java.util.Objects.requireNonNull(transport, "transport");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("TURN server without a host");
    }
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("TURN port outside 1..65535: " + port);
    }
    if (username == null || username.isEmpty() || password == null) {
      throw new IllegalArgumentException("TURN server " + host + ":" + port + " needs a username and a password");
    }
  }

  /** {@code turn:user:pass@host[:port][?transport=udp|tcp]}, {@code turns:user:pass@host[:port]}. */
  public static TurnServer parse(String url) {
    String u = url == null ? "" : url.strip();
    String scheme = schemeOf(u);
    String rest = u.substring(scheme.length() + 1);
    int at = rest.lastIndexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("TURN server '" + redact(u) + "' has no credentials: turn:USER:PASS@HOST:PORT");
    }
    String user = rest.substring(0, at);
    int c = user.indexOf(':');
    return of(scheme + ":" + rest.substring(at + 1), c < 0 ? user : user.substring(0, c), c < 0 ? "" : user.substring(c + 1));
  }

  /** A Link header's {@code turn:host[:port][?transport=udp|tcp]} or {@code turns:...} with its username and credential. */
  public static TurnServer of(String uri, String username, String credential) {
    String u = uri == null ? "" : uri.strip();
    String scheme = schemeOf(u);
    boolean tls = scheme.equals("turns");
    Transport transport = tls ? Transport.TLS : Transport.UDP;
    String rest = u.substring(scheme.length() + 1);
    int q = rest.indexOf('?');
    if (q >= 0) {
      for (String param : rest.substring(q + 1).split("&")) {
        String p = param.toLowerCase(Locale.ROOT);
        if (p.equals("transport=tcp")) {
          transport = tls ? Transport.TLS : Transport.TCP;
        } else if (p.equals("transport=udp") && tls) {
          throw new IllegalArgumentException("TURN over DTLS (" + u + ") is not supported: turns: over TCP, turn: over UDP or TCP");
        } else if (p.startsWith("transport=") && !p.equals("transport=udp")) {
          throw new IllegalArgumentException("TURN over " + p.substring(10).toUpperCase(Locale.ROOT) + " (" + u
              + ") is not supported: transport=udp or transport=tcp");
        }
      }
      rest = rest.substring(0, q);
    }
    String host;
    int port = tls ? DEFAULT_TLS_PORT : DEFAULT_PORT;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("TURN server '" + u + "': unclosed [ in the IPv6 address");
      }
      host = rest.substring(1, close);
      if (rest.length() > close + 1) {
        port = port(rest.substring(close + 1), u);
      }
    } else {
      int colon = rest.lastIndexOf(':');
      host = colon < 0 ? rest : rest.substring(0, colon);
      if (colon >= 0) {
        port = port(rest.substring(colon), u);
      }
    }
    if (username == null || credential == null) {
      throw new IllegalArgumentException("TURN server " + u + " needs a username and a credential");
    }
    return new TurnServer(host, port, username, credential, transport);
  }

  private static String schemeOf(String u) {
    int colon = u.indexOf(':');
    String scheme = colon < 0 ? "" : u.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!(scheme.equals("turn") || scheme.equals("turns")) || u.length() == colon + 1) {
      throw new IllegalArgumentException("TURN server '" + redact(u) + "' must be turn:USER:PASS@HOST:PORT (or turns:)");
    }
    return scheme;
  }

  private static int port(String colonPort, String u) {
    if (!colonPort.matches(":\\d{1,5}")) {
      throw new IllegalArgumentException("TURN server '" + redact(u) + "': bad port '" + colonPort + "'");
    }
    return Integer.parseInt(colonPort.substring(1));
  }

  /** The URL without credentials. */
  private static String redact(String u) {
    int at = u.lastIndexOf('@');
    int colon = u.indexOf(':');
    return at < 0 || colon < 0 ? u : u.substring(0, colon + 1) + "…@" + u.substring(at + 1);
  }

  /** {@code turn:host:port}, {@code turn:host:port?transport=tcp} or {@code turns:host:port}, as messages name it. */
  public String uri() {
    String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return switch (transport) {
      case UDP -> "turn:" + hostPort;
      case TCP -> "turn:" + hostPort + "?transport=tcp";
      case TLS -> "turns:" + hostPort;
    };
  }

  @Override
  public String toString() {
    return uri() + " (user " + username + ")";
  }
}
