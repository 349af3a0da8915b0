package studio.tally.live;

import java.util.function.Consumer;
import java.util.function.Supplier;
import studio.tally.config.Destination;
import studio.tally.media.PacketSink;
import studio.tally.output.DestinationState;
import studio.tally.output.DestinationStats;
import studio.tally.output.OutputLoops;
import studio.tally.output.RtmpPublisher;
import studio.tally.output.RtmpPublisherOptions;
import studio.tally.output.RtmpUrl;
import studio.tally.output.TlsTrust;
import studio.tally.output.WhipDestination;
import studio.tally.output.WhipOptions;
import studio.tally.output.WhipUrl;

/**
 * One destination while streaming: its publisher (RTMP or WHIP, both fed by the one encode), or why
 * it could not even start (bad URL or fingerprint), and its state in a streamer's words.
 */
final class DestinationLink implements AutoCloseable {
  private final Destination destination;
  private final PacketSink publisher;
  private final Supplier<DestinationStats> stats;
  private final String invalid;
  private volatile long stateNanos = System.nanoTime();

  private DestinationLink(Destination destination, PacketSink publisher, Supplier<DestinationStats> stats, String invalid) {
    this.destination = destination;
    this.publisher = publisher;
    this.stats = stats;
    this.invalid = invalid;
  }

  /**
   * A publisher for d; onFailure gets the streamer's reason when it fails for good.
   *
   * @param loops RTMP publishers share them; a WHIP destination runs its transport on a loop of its own
   * @param keyframe asks the encoder for a keyframe (a WHIP server's PLI/FIR, and a WHIP connect)
   */
  static DestinationLink open(Destination d, OutputLoops loops, Runnable keyframe, Consumer<String> onFailure) {
    DestinationLink link;
    try {
      link = d.webRtc() ? whip(d, keyframe) : rtmp(d, loops);
    } catch (IllegalArgumentException e) {
      String why = "the destination is not usable: " + e.getMessage();
      onFailure.accept(why);
      return new DestinationLink(d, null, null, why);
    }
    Consumer<DestinationState> listener = state -> {
      link.stateNanos = System.nanoTime();
      if (state instanceof DestinationState.Failed(String reason)) onFailure.accept(StreamerErrors.destination(reason));
    };
    switch (link.publisher) {
      case RtmpPublisher p -> p.addListener(listener);
      case WhipDestination w -> w.addListener(listener);
      default -> throw new IllegalStateException("unknown publisher " + link.publisher);
    }
    return link;
  }

  private static DestinationLink rtmp(Destination d, OutputLoops loops) {
    RtmpUrl url = RtmpUrl.parse(d.serverUrl(), d.streamKey());
    RtmpPublisherOptions options = RtmpPublisherOptions.defaults().withLoops(loops);
    if (d.tlsFingerprint() != null) options = options.withTlsFingerprint(d.tlsFingerprint());
    if (d.insecureTls()) options = options.withInsecureTls(true);
    RtmpPublisher p = new RtmpPublisher(url, options);
    return new DestinationLink(d, p, p::stats, null);
  }

  private static DestinationLink whip(Destination d, Runnable keyframe) {
    WhipUrl url = WhipUrl.parse(d.serverUrl());
    WhipOptions options = WhipOptions.DEFAULT.withToken(d.streamKey().isEmpty() ? null : d.streamKey(), !d.rawToken())
        .withIceServers(d.iceServers()).withKeyframeRequest(keyframe)
        .withRelayTls(relayTls(d));
    WhipDestination w = new WhipDestination(url, options);
    return new DestinationLink(d, w, w::stats, null);
  }

  /** How a WHIP destination trusts its turns: relay: the pinned fingerprint or "any", else null (the system's trust). */
  static TlsTrust relayTls(Destination d) {
    return d.tlsFingerprint() != null || d.insecureTls() ? new TlsTrust(d.tlsFingerprint(), d.insecureTls()) : null;
  }

  Destination destination() {
    return destination;
  }

  /** The publisher, null when the destination could not start. */
  PacketSink publisher() {
    return publisher;
  }

  DestinationStatus status() {
    if (publisher == null) {
      return new DestinationStatus(destination.id(), destination.name(), DestinationStatus.State.FAILED, 0, invalid, 0, 0);
    }
    DestinationStats s = stats.get();
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
    return new DestinationStatus(destination.id(), destination.name(), state, in, reason, s.bitrateKbps(), s.framesDropped(),
        s.rttMillis().orElse(Double.NaN), state == DestinationStatus.State.LIVE ? s.relay() : null);
  }

  /** Unpublishes and disconnects in the background (does not block). */
  @Override
  public void close() {
    if (publisher != null) publisher.close();
  }
}
