package studio.tally.server.hub;

import java.time.Duration;

/**
 * Hub tunables.
 *
 * @param flow what a player may have queued before drops, then disconnection
 * @param gopCacheMaxBytes the GOP cache gives up (until the next keyframe) above this size
 * @param staleAfter a publisher that sent nothing for this long may be taken over by a new one
 * @param lingerAfterUnpublish players wait this long for the publisher to come back before they end
 */
public record HubLimits(FlowPolicy flow, long gopCacheMaxBytes, Duration staleAfter, Duration lingerAfterUnpublish) {
  public static final HubLimits DEFAULT =
      new HubLimits(FlowPolicy.DEFAULT, 32L << 20, Duration.ofMillis(1500), Duration.ofSeconds(10));
}
