package studio.tally.server.hub;

import java.time.Duration;

/**
 * Hub tunables.
 *
 * @param flow what a player may have queued before drops, then disconnection
 * @param gopCacheMaxBytes the GOP cache gives up (until the next keyframe) above this size
 * @param staleAfter a publisher that sent nothing for this long may be taken over by a new one
 * @param lingerAfterUnpublish players wait this long for the publisher to come back before they end
 * @param mergeWrite media reaches players in batches at most this far apart (0: each tag at once);
 *     one flush per batch instead of per tag is what lets one core serve thousands of players
 *     (SRS's "merged write", 350 ms by default there; ours is 40 ms)
 */
public record HubLimits(FlowPolicy flow, long gopCacheMaxBytes, Duration staleAfter, Duration lingerAfterUnpublish,
    Duration mergeWrite) {
  public static final Duration DEFAULT_MERGE_WRITE = Duration.ofMillis(40);
  public static final HubLimits DEFAULT = new HubLimits(FlowPolicy.DEFAULT, 32L << 20, Duration.ofMillis(1500),
      Duration.ofSeconds(10), DEFAULT_MERGE_WRITE);

  /** Without merged writes (tests that want each tag at once). */
  public HubLimits(FlowPolicy flow, long gopCacheMaxBytes, Duration staleAfter, Duration lingerAfterUnpublish) {
    this(flow, gopCacheMaxBytes, staleAfter, lingerAfterUnpublish, Duration.ZERO);
  }

  public HubLimits withMergeWrite(Duration d) {
    return new HubLimits(flow, gopCacheMaxBytes, staleAfter, lingerAfterUnpublish, d);
  }
}