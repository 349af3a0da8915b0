package studio.tally.server.hub;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one stream, written from any thread, read by the API. */
public final class StreamCounters {
  public final LongAdder frames = new LongAdder();
  public final LongAdder recvBytes = new LongAdder();
  public final LongAdder sendBytes = new LongAdder();
  public final LongAdder droppedTags = new LongAdder();
  public final LongAdder slowPlayersCut = new LongAdder();
  public final LongAdder publisherTakeovers = new LongAdder();
}
