package studio.tally.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SRS's WebRTC JSON API for {@code webrtc://host[:port]/app/stream[?k=v]}: POST
 * {@code {"api","tid","streamurl","clientip","sdp"}} to {@code http(s)://host:port/rtc/v1/play/?k=v}
 * (port 1985 by default, 443 and HTTPS with {@code schema=https}) and read {@code sdp} from a
 * {@code {"code":0}} reply. A failure is HTTP 200 with a non-zero {@code code}: it becomes
 * {@link RtcException.Refused} with status 404 for "no publisher" (SRS error 5028) and 400 otherwise, the
 * SRS code in the message. The API has no DELETE: the session ends when our DTLS/ICE stop (consent expiry).
 */
public final class SrsApiExchange implements SdpExchange {
  /** SRS's ERROR_RTC_NO_PUBLISHER: the stream is not being published. */
  static final int NO_PUBLISHER = 5028;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI api;
  private final String streamUrl;
  private final Duration timeout;

  /**
   * @param webrtcUrl {@code webrtc://host[:port]/app/stream[?query]}
   * @param play true for /rtc/v1/play/, false for /rtc/v1/publish/
   * @throws IllegalArgumentException when the URL is not of that shape
   */
  public SrsApiExchange(String webrtcUrl, boolean play, Duration timeout) {
    this.streamUrl = webrtcUrl;
    this.api = apiUrl(webrtcUrl, play);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
  }

  /** {@code webrtc://host[:port]/app/stream?k=v} → {@code http(s)://host:port/rtc/v1/play|publish/?k=v}. */
  public static URI apiUrl(String webrtcUrl, boolean play) {
    URI u;
    try {
      u = new URI(webrtcUrl.strip());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL: " + e.getMessage());
    }
    if (!"webrtc".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("expected webrtc://host[:port]/app/stream, got " + webrtcUrl);
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[0];
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("webrtc:// URLs name /app/stream, got path '" + path + "' in " + webrtcUrl);
    }
    String query = u.getRawQuery();
    boolean https = query != null && java.util.Arrays.stream(query.split("&")).anyMatch(kv -> kv.equalsIgnoreCase("schema=https"));
    int port = u.getPort() > 0 ? u.getPort() : https ? 443 : 1985;
    String host = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
    return URI.create((https ? "https" : "http") + "://" + host + ":" + port + "/rtc/v1/" + (play ? "play" : "publish") + "/"
        + (query == null ? "" : "?" + query));
  }

  public URI api() {
    return api;
  }

  @Override
  public String answer(String offer) throws RtcException {
    ObjectNode body = JSON.createObjectNode();
    body.put("api", api.toString());
    body.put("tid", HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(1));
    body.put("streamurl", streamUrl);
    body.putNull("clientip");
    body.put("sdp", offer);
    var request = HttpRequest.newBuilder(api).timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    HttpResponse<String> res;
    try {
      res = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new RtcException.TimedOut("POST " + api, timeout);
    } catch (IOException e) {
      throw new RtcException.Unreachable(api.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.Unreachable(api.toString(), e);
    }
    if (res.statusCode() != 200) {
      throw new RtcException.Refused("POST", api.toString(), res.statusCode(), trim(res.body()));
    }
    JsonNode reply;
    try {
      reply = JSON.readTree(res.body());
    } catch (IOException e) {
      throw new RtcException.NegotiationFailed("POST " + api, "reply is not JSON: " + trim(res.body()));
    }
    int code = reply.path("code").asInt(-1);
    if (code != 0) {
      String msg = "SRS code " + code + (reply.hasNonNull("msg") ? ": " + reply.get("msg").asText() : "");
      throw new RtcException.Refused("POST", api.toString(), code == NO_PUBLISHER ? 404 : 400, msg);
    }
    String sdp = reply.path("sdp").asText("");
    if (sdp.isBlank()) throw new RtcException.NegotiationFailed("POST " + api, "code 0 without an sdp");
    return sdp;
  }

  @Override
  public void end() {
    // SRS's JSON API has no session resource to delete; closing the peer connection ends it
  }

  private static String trim(String s) {
    String m = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return m.length() <= 300 ? m : m.substring(0, 300) + "...";
  }
}
