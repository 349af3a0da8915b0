package studio.tally.output;

import java.util.Locale;

/**
 * An RTMP destination: {@code rtmp://host[:port]/app[/...]/streamKey[?query]} or {@code rtmps://...}
 * (default ports 1935 and 443). The last path segment (with the query) is the stream key, the
 * segments before it the app, as OBS's "server + key" and FFmpeg's URLs split them.
 *
 * <p>{@link #toString()} masks the key: stream keys are secrets and never reach a log.
 *
 * @param tls       rtmps
 * @param host      host name or IP literal (IPv6 without brackets)
 * @param port      TCP port
 * @param app       application, e.g. {@code live} or {@code live/sub}
 * @param streamKey publish name, including any {@code ?query}
 */
public record RtmpUrl(boolean tls, String host, int port, String app, String streamKey) {
  public static final int RTMP_PORT = 1935;
  public static final int RTMPS_PORT = 443;

  /** Thrown for a URL we cannot publish to; the message says what is wrong and is safe to print. */
  public static final class InvalidRtmpUrlException extends IllegalArgumentException {
    InvalidRtmpUrlException(String message) {
      super(message);
    }
  }

  private static final String SHAPE = "expected rtmp[s]://host[:port]/app/streamKey";

  public RtmpUrl {
    if (host == null || host.isEmpty()) throw new InvalidRtmpUrlException("missing host; " + SHAPE);
    if (port < 1 || port > 65535) throw new InvalidRtmpUrlException("port " + port + " out of range 1..65535");
    if (app == null || app.isEmpty()) throw new InvalidRtmpUrlException("missing app; " + SHAPE);
    if (streamKey == null || streamKey.isEmpty()) throw new InvalidRtmpUrlException("missing stream key; " + SHAPE);
  }

  /** Parses a full URL whose last path segment is the stream key. */
  public static RtmpUrl parse(String url) {
    if (url == null || url.isBlank()) throw new InvalidRtmpUrlException("empty URL; " + SHAPE);
    url = url.strip();
    int schemeEnd = url.indexOf("://");
    if (schemeEnd <= 0) throw new InvalidRtmpUrlException("not a URL (no scheme://); " + SHAPE);
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    boolean tls = switch (scheme) {
      case "rtmp" -> false;
      case "rtmps" -> true;
      default -> throw new InvalidRtmpUrlException("unsupported scheme '" + scheme + "' (want rtmp or rtmps)");
    };
    String rest = url.substring(schemeEnd + 3);
    int query = rest.indexOf('?');
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    String queryPart = query < 0 ? "" : rest.substring(query);
    int slash = beforeQuery.indexOf('/');
    String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
    String path = slash < 0 ? "" : beforeQuery.substring(slash + 1);
    if (authority.contains("@")) throw new InvalidRtmpUrlException("user info in the URL is not supported; " + SHAPE);
    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) throw new InvalidRtmpUrlException("unclosed '[' in IPv6 host");
      host = authority.substring(1, close);
      String after = authority.substring(close + 1);
      if (after.startsWith(":")) portText = after.substring(1);
      else if (!after.isEmpty()) throw new InvalidRtmpUrlException("unexpected '" + after + "' after IPv6 host");
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      portText = colon < 0 ? null : authority.substring(colon + 1);
    }
    if (host.isEmpty()) throw new InvalidRtmpUrlException("missing host; " + SHAPE);
    if (!host.matches("[A-Za-z0-9._:%-]+")) throw new InvalidRtmpUrlException("invalid host '" + host + "'");
    int port = tls ? RTMPS_PORT : RTMP_PORT;
    if (portText != null) {
      if (!portText.matches("\\d{1,5}")) throw new InvalidRtmpUrlException("invalid port '" + portText + "'");
      port = Integer.parseInt(portText);
    }
    String trimmed = path.replaceAll("/+$", "");
    int last = trimmed.lastIndexOf('/');
    if (trimmed.isEmpty() || last <= 0) {
      throw new InvalidRtmpUrlException((trimmed.isEmpty() ? "missing app and stream key" : "missing app or stream key")
          + " in the path; " + SHAPE);
    }
    String app = trimmed.substring(0, last);
    String key = trimmed.substring(last + 1) + queryPart;
    return new RtmpUrl(tls, host, port, app, key);
  }

  /** OBS style: a server URL ({@code rtmp[s]://host[:port]/app}) and a separate stream key. */
  public static RtmpUrl parse(String serverUrl, String streamKey) {
    if (streamKey == null || streamKey.isBlank()) throw new InvalidRtmpUrlException("missing stream key");
    String server = serverUrl == null ? "" : serverUrl.strip().replaceAll("/+$", "");
    return parse(server + "/" + streamKey.strip());
  }

  /** {@code rtmp[s]://host[:port]/app}, as sent in connect. */
  public String tcUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "rtmps" : "rtmp") + "://" + h + ":" + port + "/" + app;
  }

  /** The stream key masked for logs and UIs: first 3 characters and "…". */
  public String maskedKey() {
    return mask(streamKey);
  }

  static String mask(String key) {
    return key.length() <= 3 ? "…" : key.substring(0, 3) + "…";
  }

  /** The URL with the key masked; safe to log. */
  @Override
  public String toString() {
    return tcUrl() + "/" + maskedKey();
  }
}
