package studio.tally.server.net;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the listeners' sniffers decided, for the API and the tests. */
public final class SniffStats {
  private final Map<Protocol, LongAdder> matched = new EnumMap<>(Protocol.class);
  public final LongAdder rejected = new LongAdder();
  public final LongAdder timedOut = new LongAdder();
  public final LongAdder tlsFailed = new LongAdder();

  public SniffStats() {
    for (Protocol p : Protocol.values()) {
      matched.put(p, new LongAdder());
    }
  }

  void matched(Protocol p) {
    matched.get(p).increment();
  }

  public long matchedCount(Protocol p) {
    return matched.get(p).sum();
  }
}
