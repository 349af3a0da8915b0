package studio.tally.live;

import java.util.function.Consumer;
import studio.tally.config.Destination;
import studio.tally.output.DestinationState;
import studio.tally.output.DestinationStats;
import studio.tally.output.OutputLoops;
import studio.tally.output.RtmpPublisher;
import studio.tally.output.RtmpPublisherOptions;
import studio.tally.output.RtmpUrl;

/**
 * One destination while streaming: its publisher, or why it could not even start (bad URL or
 * fingerprint), and its state in a streamer's words.
 */
final class DestinationLink implements AutoCloseable {
  private final Destination destination;
  private final RtmpPublisher publisher;
  private final String invalid;
  private volatile long stateNanos = System.nanoTime();

  private DestinationLink(Destination destination, RtmpPublisher publisher, String invalid) {
    this.destination = destination;
    this.publisher = publisher;
    this.invalid = invalid;
  }

  /** A publisher for d on loops; onFailure gets the streamer's reason when it fails for good. */
  static DestinationLink open(Destination d, OutputLoops loops, Consumer<String> onFailure) {
    RtmpPublisher p;
    try {
      RtmpUrl url = RtmpUrl.parse(d.serverUrl(), d.streamKey());
      RtmpPublisherOptions options = RtmpPublisherOptions.defaults().withLoops(loops);
      if (d.tlsFingerprint() != null) options = options.withTlsFingerprint(d.tlsFingerprint());
      if (d.insecureTls()) options = options.withInsecureTls(true);
      p = new RtmpPublisher(url, options);
    } catch (IllegalArgumentException e) {
      String why = "the destination is not usable: " + e.getMessage();
      onFailure.accept(why);
      return new DestinationLink(d, null, why);
    }
    DestinationLink link = new DestinationLink(d, p, null);
    p.addListener(state -> {
      link.stateNanos = System.nanoTime();
      if (state instanceof DestinationState.Failed(String reason)) onFailure.accept(StreamerErrors.destination(reason));
    });
    return link;
  }

  Destination destination() {
    return destination;
  }

  /** The publisher, null when the destination could not start. */
  RtmpPublisher publisher() {
    return publisher;
  }

  DestinationStatus status() {
    if (publisher == null) {
      return new DestinationStatus(destination.id(), destination.name(), DestinationStatus.State.FAILED, 0, invalid, 0, 0);
    }
    DestinationStats s = publisher.stats();
    double sinceChange = (System.nanoTime() - stateNanos) / 1e9;
    return switch (s.state()) {
      case DestinationState.Connecting c -> status(DestinationStatus.State.CONNECTING, 0, null, s);
      case DestinationState.Live l -> status(DestinationStatus.State.LIVE, 0, null, s);
      case DestinationState.Reconnecting(double in, String reason) ->
          status(DestinationStatus.State.RECONNECTING, Math.max(0, in - sinceChange), StreamerErrors.destination(reason), s);
      case DestinationState.Failed(String reason) ->
          status(DestinationStatus.State.FAILED, 0, StreamerErrors.destination(reason), s);
      case DestinationState.Stopped st -> status(DestinationStatus.State.IDLE, 0, null, s);
    };
  }

  private DestinationStatus status(DestinationStatus.State state, double in, String reason, DestinationStats s) {
    return new DestinationStatus(destination.id(), destination.name(), state, in, reason, s.bitrateKbps(), s.framesDropped());
  }

  /** Unpublishes and disconnects in the background (does not block). */
  @Override
  public void close() {
    if (publisher != null) publisher.close();
  }
}
