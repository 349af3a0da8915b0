package studio.tally.server.hub;

/**
 * What a player's queue may hold before it is cut (a bounded queue; drop to the next keyframe;
 * if still behind there, disconnect). Sizes are bytes not yet sent to the player.
 */
public record FlowPolicy(long softLimitBytes, long hardLimitBytes) {
  public static final FlowPolicy DEFAULT = new FlowPolicy(2L << 20, 8L << 20);

  public FlowPolicy {
    if (softLimitBytes <= 0 || hardLimitBytes < softLimitBytes) {
      throw new IllegalArgumentException("need 0 < softLimitBytes <= hardLimitBytes");
    }
  }

  /** The decision for one tag. */
  public enum Verdict { WRITE, DROP, DISCONNECT }
}
