package studio.tally.media.capture;

/**
 * Keeps a capture device's samples on the session clock. Each frame's pts is the count of samples
 * handed out since the anchor; each frame's arrival says where it should be. Arrival times jitter,
 * but only late (a frame never arrives before it was captured), so the earliest arrival of each
 * window of {@value #WINDOW_SECONDS} s is the estimate of the offset. That offset is worked off over
 * the next window by adding or dropping samples ({@link #compensation}: a resampler spreads them), so
 * a device 0.5 % fast or slow is resampled, as OBS does. Offsets within {@value #DEADBAND_SECONDS} s
 * are left alone (arrival jitter, and a device on time sounds untouched). An offset beyond
 * {@value #RESYNC_SECONDS} s is no drift (a backlog the device delivered at open, a hiccup of the
 * machine): the stamps jump. Not thread-safe (the source's lock).
 */
final class DriftTracker {
  static final double WINDOW_SECONDS = 1.0;
  /** The first estimate comes sooner: a device that opens with a backlog is placed right within this. */
  static final double FIRST_WINDOW_SECONDS = 0.25;
  /** An offset beyond this is not drift: the timestamps jump to it (what is queued is stale). */
  static final double RESYNC_SECONDS = 0.1;
  /** Offsets within this are left alone (a device 0.5 % off gets there in 2 s). */
  static final double DEADBAND_SECONDS = 0.01;
  /** Never stretch or squeeze a frame by more than this (1 %: a sixth of a semitone at most). */
  static final double MAX_RATE = 0.01;

  private final int sampleRate;
  private long anchorPts;
  private long counted; // samples handed out since the anchor
  private long target; // offset measured by the last window (samples; + = we are behind)
  private double owed; // fraction of a sample not yet compensated
  private long windowMin = Long.MAX_VALUE;
  private long windowEnd;
  private long compensated; // total samples added (+) or dropped (-) since the anchor
  private boolean resynced;

  DriftTracker(int sampleRate) {
    this.sampleRate = sampleRate;
  }

  /** Starts over at pts start (samples). */
  void restart(long start) {
    anchorPts = start;
    counted = 0;
    target = 0;
    owed = 0;
    compensated = 0;
    windowMin = Long.MAX_VALUE;
    windowEnd = (long) (FIRST_WINDOW_SECONDS * sampleRate);
  }

  /**
   * Samples to add (+) or drop (-) in the next frame of n samples, which the arrival clock puts at
   * arrivedStart. Call {@link #handedOut} with what the frame became.
   */
  int compensation(int n, long arrivedStart) {
    long offset = arrivedStart - (anchorPts + counted);
    windowMin = Math.min(windowMin, offset);
    if (counted >= windowEnd) {
      // within the dead band it is arrival jitter, not drift: compensating it would only wobble the pitch
      target = Math.abs(windowMin) <= DEADBAND_SECONDS * sampleRate ? 0 : windowMin;
      windowMin = Long.MAX_VALUE;
      windowEnd = counted + (long) (WINDOW_SECONDS * sampleRate);
      owed = 0; // the new measurement already holds what the last window did not work off
      if (Math.abs(target) > RESYNC_SECONDS * sampleRate) {
        anchorPts += target;
        target = 0;
        owed = 0;
        resynced = true;
      }
    }
    owed += (double) target * n / (WINDOW_SECONDS * sampleRate);
    int delta = (int) Math.max(-MAX_RATE * n, Math.min(MAX_RATE * n, Math.rint(owed)));
    owed -= delta;
    owed = Math.max(-1, Math.min(1, owed)); // beyond the rate limit: dropped, the next window measures again
    compensated += delta;
    return delta;
  }

  /** The pts of the frame of n samples about to be handed out; counts it. */
  long handedOut(int n) {
    long pts = anchorPts + counted;
    counted += n;
    return pts;
  }

  /** Whether the last {@link #compensation} jumped (and clears that): frames stamped before it are stale. */
  boolean takeResync() {
    boolean r = resynced;
    resynced = false;
    return r;
  }

  /** How fast the device runs against the session, ppm (positive = fast), from what was compensated. */
  double ppm() {
    return counted == 0 ? 0 : -(double) compensated / counted * 1e6;
  }
}
