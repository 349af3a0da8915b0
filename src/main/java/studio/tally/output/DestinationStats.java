package studio.tally.output;

import java.util.OptionalDouble;

/**
 * A snapshot of one destination, for the UI and the CLI.
 *
 * @param destination   the URL with the key masked
 * @param bitrateKbps   media bytes written over the last ~2 s, in kbit/s
 * @param fps           video frames written per second over the last ~2 s
 * @param framesSent    video frames written since start
 * @param framesDropped video frames dropped by the congestion policy since start
 * @param audioDropped  audio frames dropped (only when the queue was hopeless)
 * @param queuedBytes   media waiting to be written (our queue; Netty's outbound buffer is bounded apart)
 * @param queuedMillis  media time span waiting in the queue
 * @param reconnects    connections made after the first
 * @param rttMillis     round trip of the last answered ping request; empty when the server never answers
 * @param relay         WHIP: the TURN server media goes through ({@code turn:host:port}, {@code turns:...}),
 *     null when it goes directly (or the destination never relays)
 */
public record DestinationStats(String destination, DestinationState state, double bitrateKbps, double fps,
    long framesSent, long framesDropped, long audioDropped, long queuedBytes, long queuedMillis, int reconnects,
    OptionalDouble rttMillis, String relay) {

  /** Stats of a destination that never relays (RTMP). */
  public DestinationStats(String destination, DestinationState state, double bitrateKbps, double fps, long framesSent,
      long framesDropped, long audioDropped, long queuedBytes, long queuedMillis, int reconnects, OptionalDouble rttMillis) {
    this(destination, state, bitrateKbps, fps, framesSent, framesDropped, audioDropped, queuedBytes, queuedMillis,
        reconnects, rttMillis, null);
  }

  /** RTT as text: "12 ms" or "n/a". */
  public String rttText() {
    return rttMillis.isPresent() ? Math.round(rttMillis.getAsDouble()) + " ms" : "n/a";
  }
}
