package studio.tally.output;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A WHIP destination: an RFC 9725 endpoint {@code http(s)://…} (the offer is POSTed as
 * {@code application/sdp}), or {@code webrtc://host[:port]/app/stream[?query]}, which SRS maps to its
 * JSON API {@code http://host:1985/rtc/v1/publish/} (port 443 and https with {@code schema=https}).
 * {@link #toString()} hides the query (it may carry a secret); the bearer token is kept apart.
 *
 * @param endpoint where the offer goes
 * @param srsApi true for the SRS JSON API (JSON in and out), false for WHIP
 * @param streamUrl the {@code webrtc://} URL the SRS API wants in {@code streamurl}; null for WHIP
 */
public record WhipUrl(URI endpoint, boolean srsApi, String streamUrl) {

  /** Thrown for a URL we cannot publish to; the message is safe to print. */
  public static final class InvalidWhipUrlException extends IllegalArgumentException {
    InvalidWhipUrlException(String message) {
      super(message);
    }
  }

  /** True when {@code url} names a WebRTC destination (http(s) or webrtc scheme) rather than RTMP. */
  public static boolean isWhip(String url) {
    String u = url == null ? "" : url.strip().toLowerCase(Locale.ROOT);
    return u.startsWith("http://") || u.startsWith("https://") || u.startsWith("webrtc://");
  }

  public static WhipUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidWhipUrlException("empty URL; expected http(s)://…/whip… or webrtc://host[:port]/app/stream");
    }
    URI u;
    try {
      u = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new InvalidWhipUrlException("not a URL: " + e.getReason());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new InvalidWhipUrlException("missing host in the " + scheme + " URL");
    }
    if (u.getUserInfo() != null) {
      throw new InvalidWhipUrlException("user info in the URL is not supported; use --bearer for the token");
    }
    return switch (scheme) {
      case "http", "https" -> new WhipUrl(u, false, null);
      case "webrtc" -> {
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String[] parts = path.replaceAll("^/+", "").split("/");
        if (parts.length < 2 || parts[0].isEmpty() || parts[parts.length - 1].isEmpty()) {
          throw new InvalidWhipUrlException("expected webrtc://host[:port]/app/stream");
        }
        String query = u.getRawQuery();
        boolean https = query != null && query.matches("(^|.*&)schema=https(&.*|$)");
        int port = u.getPort() > 0 ? u.getPort() : https ? 443 : 1985;
        String host = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        URI api = URI.create((https ? "https" : "http") + "://" + host + ":" + port + "/rtc/v1/publish/"
            + (query == null ? "" : "?" + query));
        yield new WhipUrl(api, true, url.strip());
      }
      default -> throw new InvalidWhipUrlException("unsupported scheme '" + scheme + "' (want http, https or webrtc)");
    };
  }

  @Override
  public String toString() {
    String s = endpoint.getScheme() + "://" + endpoint.getRawAuthority() + endpoint.getRawPath();
    return endpoint.getRawQuery() == null ? s : s + "?…";
  }
}
