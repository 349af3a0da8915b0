package studio.tally.media.capture;

/**
 * Timestamps for a capture device: each frame's pts is its sample count since the anchor, plus a
 * correction that jumps when the frames' arrival says they are more than {@value #RESYNC_SECONDS} s
 * off (a device that opens with a backlog, a hiccup of the machine). Arrival times jitter, but only
 * late (a frame never arrives before it was captured), so the earliest arrival of each window is the
 * estimate. Between jumps the stamps are sample-continuous. It also measures how fast the device's
 * clock runs against the session's ({@link #ppm()}); following that drift smoothly (resampling to the
 * session clock) is not done yet. Not thread-safe (the source's lock).
 */
final class DriftTracker {
  static final double WINDOW_SECONDS = 1.0;
  /** The first estimate comes sooner: a device that opens with a backlog is placed right within this. */
  static final double FIRST_WINDOW_SECONDS = 0.25;
  /** An offset beyond this is not jitter: the timestamps jump to it (what is queued is stale). */
  static final double RESYNC_SECONDS = 0.1;

  private final int sampleRate;
  private long anchorPts;
  private long counted; // samples since the anchor
  private long correction; // samples added to counted
  private long target;
  private long windowMin = Long.MAX_VALUE;
  private long windowEnd;
  private long firstCounted;
  private long firstTarget;
  private boolean measured;
  private boolean resynced;

  DriftTracker(int sampleRate) {
    this.sampleRate = sampleRate;
  }

  /** Starts over at pts start (samples). */
  void restart(long start) {
    anchorPts = start;
    counted = 0;
    correction = 0;
    target = 0;
    windowMin = Long.MAX_VALUE;
    windowEnd = (long) (FIRST_WINDOW_SECONDS * sampleRate);
    measured = false;
    firstCounted = 0;
    firstTarget = 0;
  }

  /** The pts of the next frame of n samples, which the arrival clock puts at arrivedStart. */
  long stamp(int n, long arrivedStart) {
    long countedPts = anchorPts + counted;
    windowMin = Math.min(windowMin, arrivedStart - countedPts);
    if (counted >= windowEnd) {
      target = windowMin;
      if (!measured) {
        measured = true;
        firstCounted = counted;
        firstTarget = target;
      }
      windowMin = Long.MAX_VALUE;
      windowEnd = counted + (long) (WINDOW_SECONDS * sampleRate);
      if (Math.abs(target - correction) > RESYNC_SECONDS * sampleRate) {
        correction = target;
        resynced = true;
      }
    }
    long pts = countedPts + correction;
    counted += n;
    return pts;
  }

  /** Whether the last {@link #stamp} jumped (and clears that): frames stamped before it are stale. */
  boolean takeResync() {
    boolean r = resynced;
    resynced = false;
    return r;
  }

  /** How fast the device runs against the session (ppm, positive = fast); 0 before two windows. */
  double ppm() {
    if (!measured || counted <= firstCounted) return 0;
    // the arrival-minus-counted offset falls when the device delivers more samples than time passes
    return -(double) (target - firstTarget) / (counted - firstCounted) * 1e6;
  }
}
