package studio.tally.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WHIP server's answers read from status, headers and body (RFC 9725 §4.2, §4.4, §4.6), apart
 * from any socket so they are tested from bytes: 201 with a Location (relative or absolute, resolved
 * against the URL the POST went to) and an SDP answer; {@code Link: <uri>; rel="ice-server"} headers
 * (with {@code username}, {@code credential}); 3xx redirects; every other status a
 * {@link WhipException} whose message says what the server said. Header names are case-insensitive.
 */
final class WhipResponses {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]+)*)");
  private static final Pattern PARAM = Pattern.compile(";\\s*([^=;\\s]+)\\s*(?:=\\s*(\"([^\"]*)\"|[^;,\\s]+))?");

  /** An ICE server from a Link header. */
  record IceServer(String uri, String username, String credential) {
    boolean isTurn() {
      return uri.toLowerCase(Locale.ROOT).startsWith("turn");
    }

    @Override
    public String toString() {
      return "IceServer[" + uri + (username == null ? "" : ", user " + username) + "]"; // never the credential
    }
  }

  /** A session the server created. */
  record Created(String answerSdp, URI location, List<IceServer> iceServers, String etag) {}

  private WhipResponses() {
  }

  /** A redirect's target resolved against {@code requestUri}, or null when {@code status} is not one we follow. */
  static URI redirect(URI requestUri, int status, Map<String, List<String>> headers) {
    if (status != 307 && status != 308) {
      return null; // 301/302/303 would turn the POST into a GET: not for an offer (RFC 9725 §4.6 names 307)
    }
    String loc = header(headers, "location");
    if (loc == null || loc.isBlank()) {
      throw new WhipException(status, "redirect " + status + " without a Location header");
    }
    return requestUri.resolve(loc.strip());
  }

  /** Reads the answer to a WHIP POST; throws with the reason unless it is a usable 201. */
  static Created created(URI requestUri, int status, Map<String, List<String>> headers, String body) {
    if (status != 201) {
      throw new WhipException(status, describe(status, body));
    }
    String loc = header(headers, "location");
    if (loc == null || loc.isBlank()) {
      throw new WhipException(status, "the server answered 201 without a Location header: the session could "
          + "not be ended (RFC 9725 §4.2 requires it)");
    }
    String type = header(headers, "content-type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
      throw new WhipException(status, "the answer is " + type + ", not application/sdp");
    }
    if (body == null || !body.startsWith("v=")) {
      throw new WhipException(status, "the 201 has no SDP answer in its body");
    }
    URI location;
    try {
      location = requestUri.resolve(loc.strip());
    } catch (IllegalArgumentException e) {
      throw new WhipException(status, "the Location header is not a URL: " + e.getMessage());
    }
    return new Created(body, location, iceServers(headers), header(headers, "etag"));
  }

  /** Reads SRS's JSON API answer ({@code /rtc/v1/publish/}): HTTP 200 with {@code code} 0 and {@code sdp}. */
  static Created srsCreated(URI requestUri, int status, String body, String streamUrl) {
    if (status != 200) {
      throw new WhipException(status, describe(status, body));
    }
    JsonNode j;
    try {
      j = JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      throw new WhipException(status, "the SRS API answered something that is not JSON");
    }
    if (j == null || j.path("code").asInt(-1) != 0) {
      throw new WhipException(status, "the SRS API refused the publish: code " + (j == null ? "?" : j.path("code").asText()));
    }
    String sdp = j.path("sdp").asText("");
    if (!sdp.startsWith("v=")) {
      throw new WhipException(status, "the SRS API answer has no sdp");
    }
    // SRS has no DELETE for this API; the session ends with the transport (consent stops)
    return new Created(sdp, null, List.of(), null);
  }

  /** Every {@code rel="ice-server"} link of every Link header (RFC 8288 syntax, several per header). */
  static List<IceServer> iceServers(Map<String, List<String>> headers) {
    List<IceServer> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (!"link".equalsIgnoreCase(e.getKey())) {
        continue;
      }
      for (String value : e.getValue()) {
        Matcher m = LINK.matcher(value);
        while (m.find()) {
          String uri = m.group(1).strip();
          String rel = null;
          String user = null;
          String credential = null;
          Matcher p = PARAM.matcher(m.group(2));
          while (p.find()) {
            String name = p.group(1).toLowerCase(Locale.ROOT);
            String v = p.group(3) != null ? p.group(3) : p.group(2);
            switch (name) {
              case "rel" -> rel = v;
              case "username" -> user = v;
              case "credential" -> credential = v;
              default -> { }
            }
          }
          if (rel != null && List.of(rel.toLowerCase(Locale.ROOT).split("\\s+")).contains("ice-server")
              && uri.matches("(?i)(stun|stuns|turn|turns):.+")) {
            out.add(new IceServer(uri, user, credential));
          }
        }
      }
    }
    return out;
  }

  /** The {@code Authorization} value for a token: {@code Bearer <token>}, or the raw token when asked. */
  static String authorization(String token, boolean bearerPrefix) {
    return bearerPrefix ? "Bearer " + token : token;
  }

  private static String describe(int status, String body) {
    String what = switch (status) {
      case 400 -> "the server refused the offer (400 Bad Request)";
      case 401, 403 -> "the server refused the token (" + status + "): check --bearer";
      case 404 -> "no WHIP endpoint at this URL (404)";
      case 405 -> "the URL does not accept POST (405): not a WHIP endpoint";
      case 406, 415 -> "the server does not take application/sdp (" + status + ")";
      case 409 -> "the stream is already being published (409)";
      case 422 -> "the server cannot use the offer's codecs (422)";
      case 429, 503 -> "the server is busy (" + status + ")";
      default -> "the server answered " + status;
    };
    String detail = body == null ? "" : body.strip();
    if (detail.length() > 200) {
      detail = detail.substring(0, 200) + "…";
    }
    return detail.isEmpty() || detail.startsWith("v=") ? what : what + ": " + detail;
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (name.equalsIgnoreCase(e.getKey()) && !e.getValue().isEmpty()) {
        return e.getValue().getFirst();
      }
    }
    return null;
  }
}
