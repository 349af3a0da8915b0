package studio.tally.server.hub;

import io.netty.util.concurrent.EventExecutor;

/**
 * A player of a live stream. Every call happens on {@link #executor()}, one at a time; the hub never
 * blocks on a subscriber and a subscriber never blocks the hub.
 */
public interface Subscriber {

  /** The thread (a Netty event loop for network players) all calls below are made on. */
  EventExecutor executor();

  /** Bytes written but not yet sent; the hub's drop policy reads it. */
  long pendingBytes();

  /** Writes one tag without flushing. The subscriber takes its own reference if it keeps the tag. */
  void write(MediaTag tag);

  /**
   * Writes tags {@code [from, to)} of {@code run}, in order, without flushing: what the hub sends a
   * player from one drain. By default one {@link #write(MediaTag)} per tag; a player whose wire form is
   * the FLV tag writes {@link TagRun#flv(int, int)}, one buffer for the lot.
   */
  default void write(TagRun run, int from, int to) {
    for (int i = from; i < to; i++) {
      write(run.tag(i));
    }
  }

  /** Called after a batch of {@link #write}s. */
  void flush();

  /** The stream ended (publisher gone for good, server stopping, or the player was too slow). */
  void end(EndReason reason);

  /** Why a subscription ended. */
  enum EndReason {
    PUBLISHER_GONE("the publisher stopped"),
    TOO_SLOW("the player could not keep up"),
    KICKED("kicked"),
    SERVER_STOPPING("the server is stopping");

    public final String description;

    EndReason(String description) {
      this.description = description;
    }
  }
}
