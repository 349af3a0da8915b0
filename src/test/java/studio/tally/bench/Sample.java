package studio.tally.bench;

import java.util.List;

/**
 * One measurement window: N players of one kind on one server.
 *
 * @param serverCores server CPU over the window, in cores (1.0 = one core busy)
 * @param loadgenCores this JVM (players + driver) over the window, in cores
 * @param behind players that got under 90 % of the source's video frames, or were disconnected
 * @param sourceFps the publisher's frame rate over the window (from ffmpeg's progress)
 * @param medianMbps median player receive rate
 * @param sourceCores the FFmpeg publisher's CPU (not counted; the same for every case)
 * @param machineCores the whole machine's busy CPU (/proc/stat), other tenants included
 * @param addedDelayMs HTTP-FLV players: median over players of their mean video frame delay above their
 *     own least delay (half a batch when batches are regular); NaN for RTMP players
 * @param maxAddedDelayMs the same with each player's largest delay in the window (about one batch)
 */
record Sample(String server, String kind, int players, int connected, double windowSeconds, double serverCores,
    long serverRssBytes, double loadgenCores, int behind, double sourceFps, double medianFps, double medianMbps,
    double baselineCores, double sourceCores, double machineCores, double addedDelayMs, double maxAddedDelayMs) {

  /** CPU of everything else on the machine (other tenants' builds and tests) over the window. */
  double otherCores() {
    return Math.max(0, machineCores - serverCores - loadgenCores - sourceCores);
  }

  /** Share of one core per player, in percent (all server CPU divided by N). */
  double percentPerPlayer() {
    return players == 0 ? Double.NaN : serverCores * 100 / players;
  }

  /** Share of one core per player above the no-player baseline, in percent. */
  double marginalPercentPerPlayer() {
    return players == 0 ? Double.NaN : Math.max(0, serverCores - baselineCores) * 100 / players;
  }

  double playersPerCore() {
    return serverCores <= 0 ? Double.NaN : players / serverCores;
  }

  /** Players at {@code cap} cores, extrapolated linearly from the baseline and the marginal cost. */
  double extrapolatedAt(double cap) {
    double m = Math.max(1e-9, serverCores - baselineCores) / players;
    return (cap - baselineCores) / m;
  }

  boolean allKeptUp() {
    return behind == 0 && connected == players;
  }

  static double median(List<Double> values) {
    List<Double> v = values.stream().filter(d -> !d.isNaN()).sorted().toList();
    if (v.isEmpty()) {
      return Double.NaN;
    }
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }
}
