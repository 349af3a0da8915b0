package studio.tally.server.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN/TURN servers WHIP and WHEP clients are told about, as {@code Link} headers on the 201 and
 * on the OPTIONS answer (RFC 9725 §4.6):
 * {@code <turn:host:port?transport=udp>; rel="ice-server"; username="u"; credential="p"; credential-type="password"}.
 *
 * <p>A TURN URL carries its credentials as {@code turn:USER:PASS@HOST:PORT} (handed as they are to every
 * client), or none when {@code turnSecret} is set: then each answer gets time-limited credentials in the
 * TURN REST form coturn's {@code use-auth-secret} checks: username {@code "<unix expiry>:tally"},
 * credential {@code base64(HMAC-SHA1(secret, username))}, valid for {@code credentialTtlSeconds}
 * (default a day). STUN URLs carry no credentials. Everything is checked when the record is made, so a
 * typo fails at start, not at the first client. {@link #toString()} never shows a password or the secret.
 *
 * @param urls {@code stun:HOST[:PORT]}, {@code turn:[USER:PASS@]HOST[:PORT][?transport=udp|tcp]}, {@code turns:...}
 * @param turnSecret coturn's {@code static-auth-secret}, or null
 * @param credentialTtlSeconds how long REST credentials stay valid (null: 86400)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record IceServerLinks(List<String> urls, String turnSecret, Long credentialTtlSeconds) {
  public static final IceServerLinks NONE = new IceServerLinks(List.of(), null, null);
  public static final long DEFAULT_TTL_SECONDS = 86_400;
  /** The user part of REST usernames ({@code expiry:tally}). */
  public static final String REST_USER = "tally";

  /** One parsed URL: the Link URI (no credentials) and the static credentials, if any. */
  private record Server(String uri, boolean turn, String username, String password) {}

  public IceServerLinks {
    urls = urls == null ? List.of() : List.copyOf(urls);
    if (turnSecret != null && turnSecret.isEmpty()) {
      throw new IllegalArgumentException("the TURN secret is empty");
    }
    if (credentialTtlSeconds != null && (credentialTtlSeconds < 60 || credentialTtlSeconds > 30L * 86_400)) {
      throw new IllegalArgumentException("TURN credential lifetime must be 60..2592000 s, got " + credentialTtlSeconds);
    }
    for (String u : urls) {
      parse(u, turnSecret != null);
    }
  }

  public static IceServerLinks of(List<String> urls, String turnSecret) {
    return new IceServerLinks(urls, turnSecret, null);
  }

  public boolean isEmpty() {
    return urls.isEmpty();
  }

  /** The Link header values for an answer made at {@code epochSeconds} (fresh REST credentials each time). */
  public List<String> headerValues(long epochSeconds) {
    List<String> out = new ArrayList<>(urls.size());
    for (String u : urls) {
      Server s = parse(u, turnSecret != null);
      StringBuilder b = new StringBuilder("<").append(s.uri).append(">; rel=\"ice-server\"");
      String user = s.username;
      String credential = s.password;
      if (s.turn && user == null) {
        user = restUsername(epochSeconds + (credentialTtlSeconds == null ? DEFAULT_TTL_SECONDS : credentialTtlSeconds));
        credential = restCredential(turnSecret, user);
      }
      if (user != null) {
        b.append("; username=\"").append(user).append("\"; credential=\"").append(credential)
            .append("\"; credential-type=\"password\"");
      }
      out.add(b.toString());
    }
    return out;
  }

  /** {@code "<expiry>:tally"}: coturn's use-auth-secret takes the part before the colon as the expiry. */
  static String restUsername(long expiryEpochSeconds) {
    return expiryEpochSeconds + ":" + REST_USER;
  }

  /** {@code base64(HMAC-SHA1(secret, username))}, the password coturn derives for a REST username. */
  public static String restCredential(String secret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  private static Server parse(String url, boolean haveSecret) {
    String u = url == null ? "" : url.strip();
    int colon = u.indexOf(':');
    String scheme = colon < 0 ? "" : u.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!List.of("stun", "stuns", "turn", "turns").contains(scheme) || u.length() == colon + 1) {
      throw new IllegalArgumentException("ICE server '" + redact(u) + "' must be stun:HOST[:PORT] or turn:[USER:PASS@]HOST[:PORT][?transport=udp|tcp] (or turns:)");
    }
    boolean turn = scheme.startsWith("turn");
    String rest = u.substring(colon + 1);
    String user = null;
    String pass = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int c = info.indexOf(':');
      if (!turn || c <= 0) {
        throw new IllegalArgumentException("ICE server '" + redact(u) + "': " + (turn ? "credentials must be USER:PASS" : "STUN takes no credentials"));
      }
      user = info.substring(0, c);
      pass = info.substring(c + 1);
      for (String v : List.of(user, pass)) {
        if (v.chars().anyMatch(ch -> ch == '"' || ch == '\\' || ch < 0x20 || ch == 0x7F)) {
          throw new IllegalArgumentException("ICE server '" + redact(u) + "': quotes, backslashes and control characters cannot go in a Link header");
        }
      }
    } else if (turn && !haveSecret) {
      throw new IllegalArgumentException("TURN server '" + u + "' needs USER:PASS@ or a TURN secret (coturn's static-auth-secret) to make credentials");
    }
    String hostPort = rest;
    int q = rest.indexOf('?');
    if (q >= 0) {
      hostPort = rest.substring(0, q);
      for (String param : rest.substring(q + 1).split("&")) {
        String p = param.toLowerCase(Locale.ROOT);
        if (!turn || !(p.equals("transport=udp") || p.equals("transport=tcp"))) {
          throw new IllegalArgumentException("ICE server '" + redact(u) + "': unknown parameter '" + param + "'" + (turn ? " (transport=udp or transport=tcp)" : ""));
        }
      }
    }
    if (!hostPort.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(:\\d{1,5})?")) {
      throw new IllegalArgumentException("ICE server '" + redact(u) + "': '" + hostPort + "' is not HOST[:PORT]");
    }
    int port = hostPort.endsWith("]") || hostPort.lastIndexOf(':') < hostPort.lastIndexOf(']') || hostPort.indexOf(':') < 0 ? 0
        : Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    if (port > 0xFFFF) {
      throw new IllegalArgumentException("ICE server '" + redact(u) + "': port outside 1..65535");
    }
    return new Server(scheme + ":" + rest, turn, user, pass);
  }

  /** The URL without its credentials. */
  private static String redact(String u) {
    int at = u.lastIndexOf('@');
    int colon = u.indexOf(':');
    return at < 0 || colon < 0 ? u : u.substring(0, colon + 1) + "…@" + u.substring(at + 1);
  }

  @Override
  public String toString() {
    return "IceServerLinks" + urls.stream().map(IceServerLinks::redact).toList()
        + (turnSecret == null ? "" : " with REST credentials");
  }
}
