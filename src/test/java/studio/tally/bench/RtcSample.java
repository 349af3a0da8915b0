package studio.tally.bench;

/**
 * One measurement window of the WebRTC fan-out bench: N players of one kind on our server.
 *
 * @param kind "WebRTC", "HTTP-FLV" or "kernel floor" ({@link FloorSender} in place of our server)
 * @param joined players that joined and are counted (N minus join failures)
 * @param serverCores our server's CPU over the window, in cores (1.0 = one core busy); the floor sender's for the floor
 * @param serverSystemCores the kernel's part of it (system time: socket calls, loopback delivery)
 * @param baselineCores our server with both sources and no player (floor: the sender pacing to nobody)
 * @param loadgenCores this JVM: players, the WHIP source's pacer, the driver
 * @param ffmpegCores the FFmpeg RTMP source (stream copy)
 * @param otherCores everything else on the machine (other tenants), from /proc/stat
 * @param keptUp players that got at least 95 % of the source's packets (WebRTC, floor) or frames (FLV)
 * @param keptUpStrict WebRTC players that got at least 99 % of the source's packets and were never more than
 *     200 ms behind in the window (others: as {@code keptUp} at 99 %)
 * @param worstLagMs the most any WebRTC player fell behind in the window, ms (NaN for the others)
 * @param medianMbps median player receive rate
 * @param medianDelivered median share of the source's packets (WebRTC) or frames (FLV) a player got in the window
 * @param authFailures SRTP authentication failures among the verified sample (must be 0)
 * @param verified SRTP packets authenticated and decrypted by the players in the window
 * @param joinSeconds time to add the players of this step (WHEP + ICE + DTLS for WebRTC)
 */
record RtcSample(String kind, int n, int joined, double windowSeconds, double serverCores, double serverSystemCores,
    double baselineCores,
    long serverRssBytes, double loadgenCores, double ffmpegCores, double otherCores, int keptUp, double medianMbps, double medianDelivered,
    long authFailures, long verified, double joinSeconds, int keptUpStrict, double worstLagMs) {

  /** Every player kept up: ≥ 99 % of the packets, never more than 200 ms behind. */
  boolean allKeptUp() {
    return keptUpStrict >= n;
  }

  /** Share of one core per player, in percent (all server CPU / N). */
  double percentPerPlayer() {
    return serverCores * 100 / n;
  }

  /** Share of one core per player above the no-player baseline, in percent. */
  double marginalPercentPerPlayer() {
    return Math.max(0, serverCores - baselineCores) * 100 / n;
  }

  double playersPerCore() {
    return n / serverCores;
  }

  /** Players per core from the marginal cost (what one more core would hold). */
  double marginalPlayersPerCore() {
    return 100 / marginalPercentPerPlayer();
  }

  double keptUpFraction() {
    return (double) keptUp / n;
  }
}
