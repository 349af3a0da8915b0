package studio.tally.server.hub;

import java.time.Duration;

/**
 * Hub tunables.
 *
 * @param flow what a player may have queued before drops, then disconnection
 * @param gopCacheMaxBytes the GOP cache gives up (until the next keyframe) above this size
 * @param staleAfter a publisher that sent nothing for this long may be taken over by a new one
 * @param lingerAfterUnpublish players wait this long for the publisher to come back before they end
 * @param batching how long media waits to reach players in one flush (SRS's "merged write"): one
 *     flush per batch instead of per tag is what lets one core serve thousands of players; by
 *     default it grows with the players on each event loop, up to SRS's 350 ms
 */
public record HubLimits(FlowPolicy flow, long gopCacheMaxBytes, Duration staleAfter, Duration lingerAfterUnpublish,
    WriteBatching batching) {
  public static final HubLimits DEFAULT = new HubLimits(FlowPolicy.DEFAULT, 32L << 20, Duration.ofMillis(1500),
      Duration.ofSeconds(10), WriteBatching.DEFAULT);

  /** Without merged writes (tests that want each tag at once). */
  public HubLimits(FlowPolicy flow, long gopCacheMaxBytes, Duration staleAfter, Duration lingerAfterUnpublish) {
    this(flow, gopCacheMaxBytes, staleAfter, lingerAfterUnpublish, new WriteBatching.Fixed(Duration.ZERO));
  }

  public HubLimits withBatching(WriteBatching b) {
    return new HubLimits(flow, gopCacheMaxBytes, staleAfter, lingerAfterUnpublish, b);
  }
}
