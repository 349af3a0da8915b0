package studio.tally.rtc;

import dev.onvoid.webrtc.RTCIceServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ICE servers a WHIP/WHEP endpoint names in {@code Link} headers (RFC 9725 §4.6, RFC 8288 syntax):
 * {@code <turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="p";
 * credential-type="password"}. Several links may share one header, comma-separated; links of any other
 * {@code rel} are ignored. Pure: header values in, servers out.
 */
final class LinkIceServers {
  private LinkIceServers() {}

  static List<RTCIceServer> parse(List<String> headerValues) {
    List<RTCIceServer> out = new ArrayList<>();
    for (String value : headerValues) {
      for (String link : split(value, ',')) {
        RTCIceServer s = parseLink(link.strip());
        if (s != null) out.add(s);
      }
    }
    return out;
  }

  /** Splits at sep outside {@code <…>} and quoted strings. */
  private static List<String> split(String value, char sep) {
    List<String> parts = new ArrayList<>();
    boolean inUri = false;
    boolean inQuote = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' && !inUri) inQuote = !inQuote;
      else if (c == '<' && !inQuote) inUri = true;
      else if (c == '>' && !inQuote) inUri = false;
      else if (c == sep && !inUri && !inQuote) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    return parts;
  }

  private static RTCIceServer parseLink(String link) {
    if (!link.startsWith("<")) return null;
    int end = link.indexOf('>');
    if (end < 0) return null;
    String uri = link.substring(1, end).strip();
    String lower = uri.toLowerCase(Locale.ROOT);
    if (!(lower.startsWith("stun:") || lower.startsWith("stuns:") || lower.startsWith("turn:") || lower.startsWith("turns:"))) {
      return null;
    }
    String rel = null;
    String username = null;
    String credential = null;
    for (String param : split(link.substring(end + 1), ';')) {
      int eq = param.indexOf('=');
      if (eq < 0) continue;
      String name = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String v = param.substring(eq + 1).strip();
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
      switch (name) {
        case "rel" -> rel = v;
        case "username" -> username = v;
        case "credential" -> credential = v;
        default -> { }
      }
    }
    if (rel == null || !List.of(rel.toLowerCase(Locale.ROOT).split("\\s+")).contains("ice-server")) return null;
    RTCIceServer s = new RTCIceServer();
    s.urls = List.of(uri);
    if (username != null) s.username = username;
    if (credential != null) s.password = credential;
    return s;
  }
}
