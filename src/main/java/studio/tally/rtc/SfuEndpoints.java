package studio.tally.rtc;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.signaling.SignalingOptions;

/**
 * A call's SFU side of the server: WHIP/WHEP endpoints on the signaling server's host for
 * {@code webrtc://host/<room>/<display>}, one HTTP client for all of them (warmed up once, connections
 * kept alive), and the publisher made ahead while signaling connects and joins.
 */
final class SfuEndpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SfuEndpoints.class);

  private final SignalingOptions signaling;
  private final String room;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(5)).build();

  SfuEndpoints(SignalingOptions signaling, String room, Duration timeout) {
    this.signaling = signaling;
    this.room = room;
    this.timeout = timeout;
  }

  URI endpoint(String kind, String stream) {
    URI s = signaling.uri();
    String scheme = signaling.tls() ? "https" : "http";
    return URI.create(scheme + "://" + s.getHost() + ":" + signaling.port() + "/rtc/v1/" + kind + "/?app="
        + URLEncoder.encode(room, StandardCharsets.UTF_8) + "&stream=" + URLEncoder.encode(stream, StandardCharsets.UTF_8));
  }

  WhipExchange exchange(String kind, String stream) {
    return new WhipExchange(http, endpoint(kind, stream), null, timeout);
  }

  /**
   * A fresh JVM's first HTTP request costs seconds on a busy machine (class loading, the client's
   * selector); an OPTIONS to the WHIP endpoint while signaling connects pays that early and leaves a
   * kept-alive connection for the POST. Its answer does not matter.
   */
  void warmUp(String display) {
    Thread.ofVirtual().name("call-http-warm-up").start(() -> {
      try {
        http.send(HttpRequest.newBuilder(endpoint("whip", display)).timeout(timeout)
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        log.debug("call: HTTP warm-up: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** The publisher's peer connection and offer, made on a thread of their own. */
  CompletableFuture<WhipPublisher> preparePublisher(RtcFactory factory, int maxBitrate) {
    var f = new CompletableFuture<WhipPublisher>();
    Thread.ofPlatform().daemon().name("call-publish-prepare").start(() -> {
      try {
        f.complete(WhipPublisher.prepareForIceLite(factory, maxBitrate, timeout));
      } catch (RtcException | RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  WhipPublisher awaitPrepared(CompletableFuture<WhipPublisher> prepared) throws RtcException {
    try {
      return prepared.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RtcException r) {
        throw r;
      }
      throw new RtcException.NegotiationFailed("publisher", String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new RtcException.TimedOut("preparing the publisher", timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.TimedOut("preparing the publisher (interrupted)", timeout);
    }
  }

  /** Closes a prepared publisher that was never used (waits for it, so the factory is not closed under it). */
  void closeUnused(CompletableFuture<WhipPublisher> prepared) {
    try {
      prepared.get(timeout.toMillis(), TimeUnit.MILLISECONDS).close();
    } catch (ExecutionException | TimeoutException e) {
      prepared.thenAccept(WhipPublisher::close); // failed (nothing to close) or still going
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      prepared.thenAccept(WhipPublisher::close);
    }
  }

  @Override
  public void close() {
    http.shutdownNow();
  }
}
