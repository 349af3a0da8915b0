package studio.tally.live;

/**
 * One destination as the status bar shows it.
 *
 * @param state where it is
 * @param reconnectInSeconds for RECONNECTING: seconds until the next try (as of the snapshot)
 * @param reason for RECONNECTING and FAILED: why, in a streamer's words (never the stream key)
 * @param rttMillis round trip to the server (RTMP ping, WHIP receiver reports or ICE checks); NaN = not known
 * @param relay WHIP: the TURN server media goes through ({@code turn:host:port}), null when direct
 */
public record DestinationStatus(String id, String name, State state, double reconnectInSeconds, String reason,
    double bitrateKbps, long framesDropped, double rttMillis, String relay) {

  /** DISABLED: not enabled in settings; IDLE: enabled, not streaming. */
  public enum State { DISABLED, IDLE, CONNECTING, LIVE, RECONNECTING, FAILED }

  /** A status without a round trip (not connected). */
  public DestinationStatus(String id, String name, State state, double reconnectInSeconds, String reason,
      double bitrateKbps, long framesDropped) {
    this(id, name, state, reconnectInSeconds, reason, bitrateKbps, framesDropped, Double.NaN, null);
  }

  /**
   * "live · 2480 kbps · rtt 12 ms" (+ " · via TURN turn:host:3478" when relayed), "connecting",
   * "reconnecting in 3 s (cannot reach ...)",
   * "failed: the server refused the stream key".
   */
  public String describe() {
    return switch (state) {
      case DISABLED -> "disabled";
      case IDLE -> "ready";
      case CONNECTING -> "connecting";
      case LIVE -> String.format("live · %.0f kbps", bitrateKbps)
          + (Double.isNaN(rttMillis) ? "" : String.format(" · rtt %.0f ms", rttMillis))
          + (relay == null ? "" : " · via TURN " + relay);
      case RECONNECTING -> String.format("reconnecting in %.0f s (%s)", Math.ceil(reconnectInSeconds), reason);
      case FAILED -> "failed: " + reason;
    };
  }
}
