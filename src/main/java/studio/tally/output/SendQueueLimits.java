package studio.tally.output;

/**
 * Bounds of one destination's send queue and the levels at which it starts dropping (OBS drops at
 * 0.7 s / 0.9 s of queued media by default; we go a little further because a GOP is ours to lose).
 *
 * @param maxBytes            hard bound on queued media bytes
 * @param maxMillis           hard bound on the queued media time span; above either bound the queue is
 *                            hopeless: everything queued, audio too, is dropped and sending resumes at
 *                            the next keyframe
 * @param disposableDropMillis from this span on, incoming non-reference video frames (H.264 nal_ref_idc
 *                            0, e.g. B-frames) are dropped: nothing refers to them
 * @param gopDropMillis       from this span (or half of maxBytes) on, queued non-key video is dropped and
 *                            video resumes at the next keyframe
 */
public record SendQueueLimits(long maxBytes, long maxMillis, long disposableDropMillis, long gopDropMillis) {
  /** 16 MiB, 3 s; drop B-frames from 1 s, the rest of the GOP from 2 s. */
  public static final SendQueueLimits DEFAULT = new SendQueueLimits(16 << 20, 3000, 1000, 2000);

  public SendQueueLimits {
    if (maxBytes <= 0 || maxMillis <= 0) throw new IllegalArgumentException("queue bounds must be positive");
    if (disposableDropMillis > gopDropMillis || gopDropMillis > maxMillis) {
      throw new IllegalArgumentException("want disposableDropMillis <= gopDropMillis <= maxMillis");
    }
  }
}
