package studio.tally.output;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The media waiting for one connection, with the drop policy. Any thread may offer (the encoder's);
 * the connection's event loop polls. Never blocks beyond a short monitor hold.
 *
 * <p>Drop levels, by the media time span queued (see {@link SendQueueLimits}):
 * <ol>
 *   <li>disposable: non-reference video frames are dropped (queued ones and new ones);
 *   <li>GOP: queued non-key video is dropped and new video is dropped until the next keyframe
 *   (the picture freezes instead of smearing);
 *   <li>hopeless (above the hard bounds): everything is dropped, audio included, and sending resumes at
 *   the next keyframe.
 * </ol>
 * While the destination is offline the queue keeps only the latest GOP (from its keyframe on), so a
 * reconnect resumes with a decodable picture and without a burst of stale media.
 */
final class SendQueue {
  /** One media frame ready to be framed as FLV. */
  record Frame(boolean video, long timestampMs, int compositionMs, boolean keyframe, boolean disposable, byte[] data) {
    int size() {
      return data.length + 16;
    }
  }

  private final SendQueueLimits limits;
  private final ArrayDeque<Frame> queue = new ArrayDeque<>();
  private long bytes;
  private long newestMs; // audio and video interleave: the tail is not always the newest
  private boolean online;
  private boolean waitKeyframe = true;
  private long videoDropped;
  private long audioDropped;

  SendQueue(SendQueueLimits limits) {
    this.limits = limits;
  }

  /** Queues {@code f} or drops it (and maybe others) per the policy. Returns whether {@code f} was queued. */
  synchronized boolean offer(Frame f) {
    if (!online) {
      return offerOffline(f);
    }
    if (waitKeyframe && f.video()) {
      if (!f.keyframe()) {
        videoDropped++;
        return false;
      }
      waitKeyframe = false;
    }
    long span = spanWith(f);
    if (span > limits.maxMillis() || bytes + f.size() > limits.maxBytes()) {
      dropAll();
      waitKeyframe = true;
      if (f.video() && f.keyframe()) {
        waitKeyframe = false;
        add(f);
        return true;
      }
      count(f);
      return false;
    }
    if (span >= limits.gopDropMillis() || bytes + f.size() > limits.maxBytes() / 2) {
      removeIf(q -> q.video() && !q.keyframe());
      if (f.video() && !f.keyframe()) {
        waitKeyframe = true;
        videoDropped++;
        return false;
      }
    } else if (span >= limits.disposableDropMillis()) {
      removeIf(q -> q.video() && q.disposable());
      if (f.video() && f.disposable()) {
        videoDropped++;
        return false;
      }
    }
    add(f);
    return true;
  }

  private boolean offerOffline(Frame f) {
    if (f.video() && f.keyframe()) {
      clearUncounted();
      waitKeyframe = false;
    }
    if (waitKeyframe || spanWith(f) > limits.maxMillis() || bytes + f.size() > limits.maxBytes()) {
      if (!waitKeyframe) {
        clearUncounted();
        waitKeyframe = true;
      }
      return false;
    }
    add(f);
    return true;
  }

  synchronized Frame poll() {
    Frame f = queue.poll();
    if (f != null) bytes -= f.size();
    return f;
  }

  /**
   * Online: frames are taken by the connection. Going offline keeps the latest GOP; going online
   * drops anything before its first keyframe so the connection starts with one.
   */
  synchronized void setOnline(boolean on) {
    online = on;
    if (on) {
      while (!queue.isEmpty() && !(queue.peek().video() && queue.peek().keyframe())) {
        Frame f = queue.poll();
        bytes -= f.size();
      }
      waitKeyframe = queue.isEmpty();
    } else {
      Frame lastKey = null;
      for (Frame f : queue) if (f.video() && f.keyframe()) lastKey = f;
      if (lastKey == null) {
        clearUncounted();
        waitKeyframe = true;
      } else {
        while (queue.peek() != lastKey) bytes -= queue.poll().size();
        waitKeyframe = false;
      }
    }
  }

  /** Timestamp of the next frame to send, or -1 when empty. */
  synchronized long headTimestamp() {
    return queue.isEmpty() ? -1 : queue.peek().timestampMs();
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized long millis() {
    return queue.isEmpty() ? 0 : newestMs - queue.peekFirst().timestampMs();
  }

  synchronized long videoDropped() {
    return videoDropped;
  }

  synchronized long audioDropped() {
    return audioDropped;
  }

  synchronized int size() {
    return queue.size();
  }

  private long spanWith(Frame f) {
    return queue.isEmpty() ? 0 : Math.max(f.timestampMs(), newestMs) - queue.peekFirst().timestampMs();
  }

  private void add(Frame f) {
    newestMs = queue.isEmpty() ? f.timestampMs() : Math.max(newestMs, f.timestampMs());
    queue.add(f);
    bytes += f.size();
  }

  private void count(Frame f) {
    if (f.video()) videoDropped++;
    else audioDropped++;
  }

  private void dropAll() {
    for (Frame f : queue) count(f);
    clearUncounted();
  }

  private void clearUncounted() {
    queue.clear();
    bytes = 0;
  }

  private void removeIf(java.util.function.Predicate<Frame> p) {
    for (Iterator<Frame> it = queue.iterator(); it.hasNext(); ) {
      Frame f = it.next();
      if (p.test(f)) {
        it.remove();
        bytes -= f.size();
        count(f);
      }
    }
    newestMs = 0;
    for (Frame f : queue) newestMs = Math.max(newestMs, f.timestampMs());
  }
}
