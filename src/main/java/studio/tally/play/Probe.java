package studio.tally.play;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plays several URLs side by side for a while, then judges each against the expectations — what
 * {@code tally probe} runs. Blocks the calling thread for the duration (or less when every player
 * has failed).
 */
public final class Probe {
  private Probe() {}

  /**
   * @param untilFirstFrame stop as soon as every stream has shown a picture (or failed): a quick
   *     "is it up?" check, and how the time-to-first-frame benchmark runs the CLI
   */
  public static List<ProbeResult> run(List<String> urls, Duration duration, PlayerOptions options,
      ProbeExpectations expectations, boolean untilFirstFrame) throws InterruptedException {
    List<Player> players = new ArrayList<>();
    try {
      for (String url : urls) players.add(Player.open(url, options, null));
      long deadline = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < deadline && !players.stream().allMatch(p -> p.failure().isPresent()
          || untilFirstFrame && p.hasPicture())) {
        Thread.sleep(untilFirstFrame ? 1 : Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      }
      List<ProbeResult> results = new ArrayList<>();
      players.forEach(Player::settle);
      for (Player p : players) results.add(judge(p.url(), p.report(), p.failure().orElse(null), expectations));
      return results;
    } finally {
      // in parallel: a WebRTC player's close ends its session (WHEP DELETE) and releases libwebrtc
      players.parallelStream().forEach(Player::close);
    }
  }

  /** The verdict on one stream's figures; pure. */
  static ProbeResult judge(String url, QaReport r, PlayFailure failure, ProbeExpectations e) {
    List<String> reasons = new ArrayList<>();
    if (r.frames() == 0) {
      PlayFailure why = failure != null ? failure
          : r.connectMs() == null
              ? new PlayFailure(PlayFailure.Kind.TIMEOUT, "still not playing after " + fmt(r.durationS())
                  + " s (the server did not answer the request within the run)")
              : new PlayFailure(PlayFailure.Kind.BAD_STREAM, "no picture within " + fmt(r.durationS()) + " s of playing ("
                  + fmt(r.bitrateKbps()) + " kbit/s of media arrived)");
      reasons.add(why.toString());
      return new ProbeResult(url, ProbeResult.Status.NO_CONNECT, reasons, r, why);
    }
    if (failure != null) reasons.add("stream stopped after " + fmt(r.durationS()) + " s: " + failure);
    if (e.fps() != null && r.fps() < e.fps() * ProbeExpectations.FPS_TOLERANCE) {
      reasons.add("fps " + fmt(r.fps()) + " below the expected " + fmt(e.fps()) + " (" + pct(r.fps(), e.fps())
          + ", at least " + fmt(e.fps() * ProbeExpectations.FPS_TOLERANCE) + " needed)");
    }
    if (e.maxLatencyMs() != null) {
      if (r.latency() == null) {
        reasons.add("latency unknown: the stream carries no time code (publish the test pattern: tally publish --source test)");
      } else if (r.latency().medianMs() > e.maxLatencyMs()) {
        reasons.add("latency " + fmt(r.latency().medianMs()) + " ms (median) above the maximum " + e.maxLatencyMs()
            + " ms (+" + fmt(r.latency().medianMs() - e.maxLatencyMs()) + " ms)");
      }
    }
    if (e.minKbps() != null && r.bitrateKbps() < e.minKbps()) {
      reasons.add("bitrate " + fmt(r.bitrateKbps()) + " kbit/s below the minimum " + fmt(e.minKbps()) + " kbit/s ("
          + pct(r.bitrateKbps(), e.minKbps()) + ")");
    }
    if (e.maxFreezes() != null && r.freezeCount() > e.maxFreezes()) {
      reasons.add(r.freezeCount() + " freezes (" + fmt(r.totalFreezeMs()) + " ms in all), more than the maximum "
          + e.maxFreezes());
    }
    return new ProbeResult(url, reasons.isEmpty() ? ProbeResult.Status.PASS : ProbeResult.Status.FAIL, reasons, r, failure);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String pct(double actual, double expected) {
    return String.format(Locale.ROOT, "%+.1f %%", (actual - expected) * 100 / expected);
  }
}
