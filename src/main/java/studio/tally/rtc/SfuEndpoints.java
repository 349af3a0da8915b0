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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.signaling.SignalingOptions;

/**
 * A call's SFU side of the server: WHIP/WHEP endpoints on the signaling server's host for
 * {@code webrtc://host/<room>/<display>}, one HTTP client for all of them (warmed up once, connections
 * kept alive), the publish done while signaling connects and joins, and a player made ahead for the peer.
 */
final class SfuEndpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SfuEndpoints.class);

  private final SignalingOptions signaling;
  private final String room;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private CompletableFuture<WhepPlayer> spare;
  private boolean closed;

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

  /**
   * Publishes self to {@code <room>/<display>} on a thread of its own, while signaling connects and joins
   * (the stream's name is known before the join): the peer connection and offer, {@code beforeSend}
   * (mute the tracks), the WHIP exchange, ICE and DTLS. Completes with the connected publisher; one that
   * failed is closed. {@code step} hears "publish_offer" and "publish_connected".
   */
  CompletableFuture<WhipPublisher> publish(RtcFactory factory, int maxBitrate, String display,
      Consumer<WhipPublisher> beforeSend, Consumer<String> step) {
    var f = new CompletableFuture<WhipPublisher>();
    Thread.ofPlatform().daemon().name("call-publish").start(() -> {
      WhipPublisher p = null;
      try {
        p = WhipPublisher.prepareForIceLite(factory, maxBitrate, timeout);
        step.accept("publish_offer");
        beforeSend.accept(p);
        p.publish(exchange("whip", display));
        step.accept("publish_connected");
        f.complete(p);
      } catch (RtcException | RuntimeException e) {
        if (p != null) {
          p.close();
        }
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  WhipPublisher awaitPublished(CompletableFuture<WhipPublisher> publishing) throws RtcException {
    try {
      return publishing.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RtcException r) {
        throw r;
      }
      throw new RtcException.NegotiationFailed("publisher", String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new RtcException.TimedOut("publishing", timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.TimedOut("publishing (interrupted)", timeout);
    }
  }

  /** Closes a publisher that was never used (waits for it, so the factory is not closed under it). */
  void closeUnused(CompletableFuture<WhipPublisher> publishing) {
    closeWhenDone(publishing, WhipPublisher::close);
  }

  /**
   * Makes a player ahead, while signaling joins: its peer connection and offer, so that playing the
   * peer the call learns of is one WHEP exchange plus ICE and DTLS. One at a time; see {@link #takeSpare}.
   */
  void prepareSpare(RtcFactory factory, VideoFrameListener listener, AudioFrameListener audio) {
    var f = new CompletableFuture<WhepPlayer>();
    synchronized (this) {
      if (closed || spare != null) {
        return;
      }
      spare = f;
    }
    Thread.ofPlatform().daemon().name("call-play-prepare").start(() -> {
      try {
        f.complete(WhepPlayer.prepareForIceLite(factory, listener, audio, true, timeout));
      } catch (RtcException | RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
  }

  /** The player {@link #prepareSpare} made (waiting for it if need be), once; null if there is none or it failed. */
  WhepPlayer takeSpare() {
    CompletableFuture<WhepPlayer> f;
    synchronized (this) {
      f = spare;
      spare = null;
    }
    if (f == null) {
      return null;
    }
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      log.info("call: preparing a player failed: {}", e.getCause().toString());
      return null;
    } catch (TimeoutException e) {
      f.thenAccept(WhepPlayer::close);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.thenAccept(WhepPlayer::close);
      return null;
    }
  }

  private <T> void closeWhenDone(CompletableFuture<T> f, Consumer<T> close) {
    try {
      close.accept(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      f.thenAccept(close); // failed (nothing to close) or still going
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.thenAccept(close);
    }
  }

  /** Closes the spare player, if unused; then the HTTP client. Call before the factory is closed. */
  @Override
  public void close() {
    CompletableFuture<WhepPlayer> f;
    synchronized (this) {
      closed = true;
      f = spare;
      spare = null;
    }
    if (f != null) {
      closeWhenDone(f, WhepPlayer::close);
    }
    http.shutdownNow();
  }
}
