package studio.tally.proto.rtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts one RTP stream's packets back in sequence order (RFC 3550 §A.1 arithmetic, 16-bit wrap) within
 * a bounded window, and lets go of a hole after a deadline.
 *
 * <pre>
 *   next (expected)          highest
 *      |                        |
 *      v                        v
 *   [ hole ][ 12 ][ hole ][ 14 ][ 15 ]      missing() = next, 13    window = slots from next
 * </pre>
 *
 * <ul>
 *   <li>A packet at {@code next} and every one held right behind it are released at once.
 *   <li>A hole at {@code next} is waited for {@code maxWaitMicros} after the first packet behind it
 *       arrived (time for a NACK to be answered), then skipped: counted in {@link #lost()} and the
 *       next packet released is flagged {@code afterLoss} (a depacketizer drops its partial frame).
 *   <li>A packet {@code window} or more ahead of {@code next}, or {@code window} or more behind it, is a
 *       sequence jump (a publisher that restarted, a burst loss longer than the window): what is held
 *       is released in order, the buffer restarts at the new packet and {@link #resets()} counts it.
 *   <li>A packet behind {@code next} by less than the window is late (already skipped or released),
 *       one held already is a duplicate: neither is kept.
 * </ul>
 * Pure and not thread-safe; time is passed in by the caller.
 *
 * @param <T> what is kept per packet (the caller's copy of it)
 */
public final class JitterBuffer<T> {
  /** What {@link #push} did with a packet. */
  public enum Arrival { QUEUED, DUPLICATE, LATE, RESET }

  /** A packet let out in order; {@code afterLoss} when packets before it were skipped or a reset happened. */
  public record Released<T>(int sequence, T item, boolean afterLoss) {}

  private final int window;
  private final long maxWaitMicros;
  private final Object[] items;
  private final long[] arrivals;
  private final ArrayDeque<Released<T>> ready = new ArrayDeque<>();
  /** Extended (unwrapped) sequence number expected next; -1 before the first packet. */
  private long next = -1;
  private long highest = -1;
  private int held;
  private boolean lossPending;
  private long lost;
  private long resets;
  private long duplicates;
  private long late;

  /**
   * @param window how many sequence numbers ahead of the expected one are held (and how far a packet
   *     may be behind before it counts as a jump)
   * @param maxWaitMicros how long a hole is waited for once a later packet is here
   */
  public JitterBuffer(int window, long maxWaitMicros) {
    if (window < 2 || window > 0x4000) throw new IllegalArgumentException("window " + window + " not in 2..16384");
    if (maxWaitMicros < 0) throw new IllegalArgumentException("max wait " + maxWaitMicros);
    this.window = window;
    this.maxWaitMicros = maxWaitMicros;
    this.items = new Object[window];
    this.arrivals = new long[window];
  }

  /** Takes packet {@code sequence}; the item is kept only when the answer is QUEUED or RESET. */
  public Arrival push(int sequence, T item, long nowMicros) {
    sequence &= 0xffff;
    if (next < 0) {
      start(sequence);
      store(next, item, nowMicros);
      return Arrival.QUEUED;
    }
    int d = SeqNum.distance(sequence, (int) (next & 0xffff));
    if (d >= window || d <= -window) {
      flushAll();
      resets++;
      start(sequence);
      lossPending = true;
      store(next, item, nowMicros);
      return Arrival.RESET;
    }
    if (d < 0) {
      late++;
      return Arrival.LATE;
    }
    long ext = next + d;
    int slot = slot(ext);
    if (items[slot] != null) {
      duplicates++;
      return Arrival.DUPLICATE;
    }
    store(ext, item, nowMicros);
    return Arrival.QUEUED;
  }

  /** Hands to {@code out}, in order, every packet that may go at {@code nowMicros}. */
  public void release(long nowMicros, Consumer<Released<T>> out) {
    while (!ready.isEmpty()) out.accept(ready.poll());
    while (held > 0) {
      int slot = slot(next);
      if (items[slot] == null) {
        long first = firstHeld();
        if (nowMicros - arrivals[slot(first)] < maxWaitMicros) return;
        lost += first - next; // waited long enough: give the hole up
        lossPending = true;
        next = first;
        continue;
      }
      out.accept(take(slot));
    }
  }

  /** When {@link #release} may let a hole go (µs), or {@link Long#MAX_VALUE} when nothing waits. */
  public long nextDeadline() {
    if (held == 0 || items[slot(next)] != null) return held == 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    return arrivals[slot(firstHeld())] + maxWaitMicros;
  }

  /** The sequence numbers missing between the expected one and the highest held (candidates for a NACK). */
  public List<Integer> missing() {
    List<Integer> out = new ArrayList<>();
    if (held == 0) return out;
    for (long e = next; e < highest; e++) {
      if (items[slot(e)] == null) out.add((int) (e & 0xffff));
    }
    return out;
  }

  /** Drops everything held (each item to {@code dispose}) and forgets the sequence; the next packet starts afresh. */
  public void clear(Consumer<T> dispose) {
    while (!ready.isEmpty()) dispose.accept(ready.poll().item());
    for (int i = 0; i < window; i++) {
      if (items[i] != null) {
        @SuppressWarnings("unchecked")
        T t = (T) items[i];
        dispose.accept(t);
        items[i] = null;
      }
    }
    held = 0;
    next = -1;
    highest = -1;
    lossPending = false;
  }

  /** Packets held (waiting behind a hole or not yet released). */
  public int size() {
    return held + ready.size();
  }

  /** Packets skipped after waiting for them. */
  public long lost() {
    return lost;
  }

  /** Sequence jumps that restarted the buffer. */
  public long resets() {
    return resets;
  }

  public long duplicates() {
    return duplicates;
  }

  /** Packets that came after their place was released or given up. */
  public long late() {
    return late;
  }

  private void start(int sequence) {
    next = sequence;
    highest = sequence;
  }

  private void store(long ext, T item, long nowMicros) {
    int slot = slot(ext);
    items[slot] = item;
    arrivals[slot] = nowMicros;
    held++;
    if (ext > highest) highest = ext;
  }

  private Released<T> take(int slot) {
    @SuppressWarnings("unchecked")
    T t = (T) items[slot];
    items[slot] = null;
    held--;
    Released<T> r = new Released<>((int) (next & 0xffff), t, lossPending);
    lossPending = false;
    next++;
    return r;
  }

  /** The first held extended sequence number after next (there is one: held > 0). */
  private long firstHeld() {
    for (long e = next; e <= highest; e++) {
      if (items[slot(e)] != null) return e;
    }
    throw new IllegalStateException("held " + held + " but none found");
  }

  /** Everything held goes to the ready queue in order, holes counted as lost. */
  private void flushAll() {
    while (held > 0) {
      int slot = slot(next);
      if (items[slot] == null) {
        long first = firstHeld();
        lost += first - next;
        lossPending = true;
        next = first;
        continue;
      }
      ready.add(take(slot));
    }
  }

  private int slot(long ext) {
    return (int) (ext % window);
  }
}
