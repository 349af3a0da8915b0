package studio.tally.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The HTTP side of one WHIP session (RFC 9725): POST the offer (following up to 5 redirects of
 * 307/308 with the same body), read the answer through {@link WhipResponses}, DELETE the Location on
 * stop. Blocking: call it from a thread of its own (the destination's virtual thread), never from an
 * event loop. 8 s per request, as OBS waits.
 */
final class WhipSignaling {
  static final Duration TIMEOUT = Duration.ofSeconds(8);
  private static final int MAX_REDIRECTS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final WhipUrl url;
  private final String token;
  private final boolean bearerPrefix;

  WhipSignaling(WhipUrl url, String token, boolean bearerPrefix) {
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();
    this.url = url;
    this.token = token == null || token.isEmpty() ? null : token;
    this.bearerPrefix = bearerPrefix;
  }

  /** POSTs {@code offer}; the server's answer, Location and ICE servers, or a {@link WhipException}. */
  WhipResponses.Created publish(String offer) throws InterruptedException {
    String type = url.srsApi() ? "application/json" : "application/sdp";
    String body = url.srsApi() ? srsBody(offer) : offer;
    URI target = url.endpoint();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(target).header("Content-Type", type)
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      URI next = WhipResponses.redirect(target, r.statusCode(), r.headers().map());
      if (next == null) {
        return url.srsApi() ? WhipResponses.srsCreated(target, r.statusCode(), r.body(), url.streamUrl())
            : WhipResponses.created(target, r.statusCode(), r.headers().map(), r.body());
      }
      target = next;
    }
    throw new WhipException(0, "more than " + MAX_REDIRECTS + " redirects from " + url);
  }

  /** DELETEs the session (RFC 9725 §4.2); returns the status, or 0 when the server could not be reached. */
  int delete(URI location) throws InterruptedException {
    if (location == null) {
      return 0;
    }
    try {
      return send(HttpRequest.newBuilder(location).DELETE()).statusCode();
    } catch (WhipException e) {
      return 0;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws InterruptedException {
    b.timeout(TIMEOUT);
    if (token != null) {
      b.header("Authorization", WhipResponses.authorization(token, bearerPrefix));
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new WhipException(0, "no answer from " + url + " within " + TIMEOUT.toSeconds() + " s");
    } catch (ConnectException e) {
      throw new WhipException(0, "cannot connect to " + url + ": connection refused");
    } catch (IOException e) {
      throw new WhipException(0, "cannot reach " + url + ": " + e.getMessage());
    }
  }

  private String srsBody(String offer) {
    var j = JSON.createObjectNode().put("api", url.endpoint().toString()).put("tid", Long.toHexString(System.nanoTime()))
        .put("streamurl", url.streamUrl()).put("clientip", "").put("sdp", offer);
    try {
      return JSON.writeValueAsString(j);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void close() {
    http.close();
  }
}
