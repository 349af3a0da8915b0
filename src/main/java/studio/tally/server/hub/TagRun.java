package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The media tags one drain of a {@link SubscriberGroup} hands to its players, in order. A player that
 * takes several of them in a row writes them as one buffer: their FLV framing laid end to end once per
 * run (on the group's loop, when the first player asks), and each player writes a slice of it. So a
 * batch costs each player one write (one outbound-buffer entry, one derived buffer, one NIO buffer view)
 * instead of one per tag: at 1000 players the per-tag writes were ~300 bytes of short-lived heap each,
 * 20+ MB/s that G1 answered by growing the young generation.
 *
 * <p>Owned by one group and used on its executor only; reused from drain to drain.
 */
public final class TagRun {
  private MediaTag[] tags = new MediaTag[16];
  private boolean[] resumePoints = new boolean[16];
  private int count;
  /** The FLV framing of every tag, end to end (made on demand); {@code offsets[i]} is where tag i starts. */
  private ByteBuf flv;
  private int[] offsets = new int[17];

  TagRun() {}

  /** Takes over the caller's reference to {@code tag}. */
  void add(MediaTag tag, boolean resumePoint) {
    if (count == tags.length) {
      tags = Arrays.copyOf(tags, count * 2);
      resumePoints = Arrays.copyOf(resumePoints, count * 2);
    }
    if (flv != null) { // not expected (a run is filled, then handed out), but keep the framing whole
      flv.release();
      flv = null;
    }
    tags[count] = tag;
    resumePoints[count] = resumePoint;
    count++;
  }

  public int size() {
    return count;
  }

  public MediaTag tag(int i) {
    return tags[i];
  }

  boolean resumePoint(int i) {
    return resumePoints[i];
  }

  /**
   * The FLV tags {@code [from, to)} as one buffer (what {@code tag(i).flv()} holds, one after another),
   * with a reference of its own for the caller (to write and let go).
   */
  public ByteBuf flv(int from, int to) {
    if (from < 0 || to > count || from >= to) {
      throw new IndexOutOfBoundsException("tags [" + from + ", " + to + ") of " + count);
    }
    if (flv == null) {
      join();
    }
    // slice().retain(), not retainedSlice(): a slice shares the run's reference count, so it needs no
    // count of its own, and a buffer the leak detector sampled does not track every player's slice anew
    return flv.slice(offsets[from], offsets[to] - offsets[from]).retain();
  }

  private void join() {
    if (offsets.length < count + 1) {
      offsets = new int[tags.length + 1];
    }
    int total = 0;
    for (int i = 0; i < count; i++) {
      offsets[i] = total;
      total += tags[i].flv().readableBytes();
    }
    offsets[count] = total;
    ByteBuf out = tags[0].flv().alloc().directBuffer(total, total);
    for (int i = 0; i < count; i++) {
      ByteBuf t = tags[i].flv();
      out.writeBytes(t, t.readerIndex(), t.readableBytes());
    }
    flv = out;
  }

  /** Lets go of the tags and of the run's own reference to the joined framing (players keep theirs). */
  void clear() {
    for (int i = 0; i < count; i++) {
      tags[i].release();
      tags[i] = null;
    }
    count = 0;
    if (flv != null) {
      flv.release();
      flv = null;
    }
  }
}
