package studio.tally.signaling;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how to connect.
 *
 * @param uri {@code ws://} or {@code wss://host[:port]/sig/v1/rtc} (a bare {@code host:port} path is completed)
 * @param tlsFingerprint SHA-256 of the server's leaf certificate to pin (hex, colons optional); null = system trust
 * @param insecureTls accept any certificate (tests, self-signed servers you trust by other means)
 * @param token the server's signaling token, or null
 * @param requestTimeout a request without a reply this long fails
 * @param pingInterval the client pings this often; a socket silent for 2.5 intervals is dead
 * @param reconnectFor after a lost socket, keep trying (with backoff) this long before giving up; zero = never
 */
public record SignalingOptions(URI uri, String tlsFingerprint, boolean insecureTls, String token, Duration requestTimeout,
    Duration pingInterval, Duration reconnectFor) {

  public SignalingOptions {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("signaling URL must be ws:// or wss://, got '" + uri + "'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("signaling URL has no host: '" + uri + "'");
    }
    if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
      uri = uri.resolve("/sig/v1/rtc" + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : ""));
    }
    if (tlsFingerprint != null && !tlsFingerprint.isBlank()) {
      SignalingTls.parseFingerprint(tlsFingerprint); // fail early with a clear message
    }
  }

  public static SignalingOptions of(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("signaling URL '" + url + "' is not a URL: " + e.getMessage(), e);
    }
    return new SignalingOptions(u, null, false, null, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  public boolean tls() {
    return uri.getScheme().equalsIgnoreCase("wss");
  }

  public int port() {
    return uri.getPort() > 0 ? uri.getPort() : tls() ? 443 : 80;
  }

  public SignalingOptions withTls(String fingerprint, boolean insecure) {
    return new SignalingOptions(uri, fingerprint, insecure, token, requestTimeout, pingInterval, reconnectFor);
  }

  public SignalingOptions withToken(String t) {
    return new SignalingOptions(uri, tlsFingerprint, insecureTls, t, requestTimeout, pingInterval, reconnectFor);
  }

  public SignalingOptions withTimeouts(Duration request, Duration ping, Duration reconnect) {
    return new SignalingOptions(uri, tlsFingerprint, insecureTls, token, request, ping, reconnect);
  }

  @Override
  public String toString() { // no token
    return "SignalingOptions[" + uri.getScheme() + "://" + uri.getHost() + ":" + port() + uri.getPath() + "]";
  }
}
