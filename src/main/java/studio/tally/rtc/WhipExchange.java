package studio.tally.rtc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The WHIP/WHEP HTTP exchange (RFC 9725): POST the offer as {@code application/sdp}, expect 201 with the
 * answer and a {@code Location} (absolute or relative) naming the session; DELETE that location to end it.
 * Redirects (307/308) are followed with the same method and body. An error status becomes
 * {@link RtcException.Refused} carrying the server's message. One instance is one session.
 */
public final class WhipExchange implements SdpExchange {
  private static final int MAX_MESSAGE = 300;

  private final HttpClient http;
  private final URI endpoint;
  private final String bearerToken;
  private final Duration timeout;
  private volatile URI resource;
  private volatile java.util.List<dev.onvoid.webrtc.RTCIceServer> linkIceServers = java.util.List.of();

  /**
   * @param bearerToken sent as {@code Authorization: Bearer <token>} when non-null (never logged)
   * @param timeout for each HTTP exchange
   */
  public WhipExchange(URI endpoint, String bearerToken, Duration timeout) {
    this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build(),
        endpoint, bearerToken, timeout);
  }

  WhipExchange(HttpClient http, URI endpoint, String bearerToken, Duration timeout) {
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException("WHIP/WHEP endpoint must be http(s)://, got " + endpoint);
    }
    this.http = http;
    this.endpoint = endpoint;
    this.bearerToken = bearerToken;
    this.timeout = timeout;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The session's URL from {@code Location}, once the offer was answered. */
  public Optional<URI> resource() {
    return Optional.ofNullable(resource);
  }

  @Override
  public String answer(String offer) throws RtcException {
    var request = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Content-Type", "application/sdp")
        .header("Accept", "application/sdp")
        .POST(HttpRequest.BodyPublishers.ofString(offer, StandardCharsets.UTF_8));
    if (bearerToken != null) request.header("Authorization", "Bearer " + bearerToken);
    HttpResponse<String> res = send(request.build(), "POST");
    if (res.statusCode() != 201 && res.statusCode() != 200) {
      throw new RtcException.Refused("POST", endpoint.toString(), res.statusCode(), message(res.body()));
    }
    String type = res.headers().firstValue("Content-Type").orElse("");
    if (!type.toLowerCase().startsWith("application/sdp")) {
      throw new RtcException.NegotiationFailed("POST " + endpoint, "answer Content-Type is '" + type + "', not application/sdp");
    }
    if (res.body().isBlank()) {
      throw new RtcException.NegotiationFailed("POST " + endpoint, "empty answer body");
    }
    String location = res.headers().firstValue("Location").orElseThrow(
        () -> new RtcException.NegotiationFailed("POST " + endpoint, "201 without a Location header"));
    // relative to the URL that answered (after redirects), as RFC 9110 says
    resource = res.uri().resolve(location);
    linkIceServers = LinkIceServers.parse(res.headers().allValues("Link"));
    return res.body();
  }

  /** ICE servers (STUN/TURN) the answer's {@code Link: <...>; rel="ice-server"} headers named. */
  java.util.List<dev.onvoid.webrtc.RTCIceServer> linkIceServers() {
    return linkIceServers;
  }

  @Override
  public void end() {
    URI r = resource;
    resource = null;
    if (r == null) return;
    try {
      var request = HttpRequest.newBuilder(r).timeout(timeout).DELETE();
      if (bearerToken != null) request.header("Authorization", "Bearer " + bearerToken);
      http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // the server is gone or the session already ended: nothing left to release
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<String> send(HttpRequest request, String method) throws RtcException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new RtcException.TimedOut(method + " " + request.uri(), timeout);
    } catch (IOException e) {
      throw new RtcException.Unreachable(request.uri().toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.Unreachable(request.uri().toString(), e);
    }
  }

  private static String message(String body) {
    String m = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "...";
  }
}
