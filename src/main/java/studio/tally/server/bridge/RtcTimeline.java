package studio.tally.server.bridge;

/**
 * Maps a WebRTC publisher's RTP timestamps (one clock per track) onto one stream timeline in µs,
 * for FLV. Until a track has a Sender Report its times come from arrival: its first packet is placed
 * at its arrival time and later ones follow their RTP clock, so audio starts at once. The first SR
 * (RFC 3550 §6.4.1: an NTP time and the RTP time of the same instant) ties the sender's NTP clock to
 * the timeline without moving that track; each later SR re-anchors its track on the sender's clock,
 * which aligns audio and video with each other. An SR that disagrees with the current mapping by
 * more than {@link #WILD_MICROS} is counted and skipped; if a track's next two SRs agree with it (the
 * sender's clock really stepped), the tie to the NTP clock is re-made from them.
 *
 * <p>Not thread-safe; times are passed in (µs, any monotonic origin).
 */
final class RtcTimeline {
  /** An SR whose time is this far from where the track's mapping puts it is wild. */
  static final long WILD_MICROS = 2_000_000;
  private static final int WILD_IN_A_ROW_TO_RESYNC = 3;

  private long origin = Long.MIN_VALUE;
  private boolean ntpKnown;
  /** timeline µs = sender NTP µs + ntpOffset. */
  private long ntpOffset;
  private long wildReports;

  /** One RTP track (its clock rate), with its own anchor. */
  final class Track {
    private final int clockRate;
    private boolean seen;
    private long lastRaw;
    private long lastExt;
    private boolean anchored;
    private long anchorExt;
    private long anchorMicros;
    private boolean bySenderReport;
    private int wildInARow;

    Track(int clockRate) {
      if (clockRate <= 0) throw new IllegalArgumentException("clock rate " + clockRate);
      this.clockRate = clockRate;
    }

    /** The timeline time (µs since the first packet of any track) of a packet with RTP time {@code rtp}. */
    long map(long rtp, long arrivalMicros) {
      if (origin == Long.MIN_VALUE) origin = arrivalMicros;
      long ext = unwrap(rtp);
      if (!anchored) {
        anchored = true;
        anchorExt = ext;
        anchorMicros = arrivalMicros - origin;
      }
      return at(ext);
    }

    /** Forgets this track's anchor (a sequence jump: the publisher restarted it); the next packet re-anchors by arrival. */
    void restart() {
      seen = false;
      anchored = false;
      bySenderReport = false;
    }

    /** Applies a Sender Report; false when it was wild (counted) or came before any packet. */
    boolean senderReport(long ntp64, long rtp) {
      if (!anchored) return false;
      long ext = lastExt + (int) ((rtp & 0xffffffffL) - lastRaw);
      long ntpMicros = ntpMicros(ntp64);
      long current = at(ext);
      if (!ntpKnown) {
        ntpKnown = true;
        ntpOffset = current - ntpMicros;
      }
      long predicted = ntpMicros + ntpOffset;
      if (Math.abs(predicted - current) > WILD_MICROS) {
        wildReports++;
        if (++wildInARow < WILD_IN_A_ROW_TO_RESYNC) return false;
        ntpOffset = current - ntpMicros; // the sender's clock stepped for good: tie to it again
        predicted = current;
      }
      wildInARow = 0;
      anchorExt = ext;
      anchorMicros = predicted;
      bySenderReport = true;
      return true;
    }

    boolean bySenderReport() {
      return bySenderReport;
    }

    private long at(long ext) {
      return anchorMicros + Math.floorDiv((ext - anchorExt) * 1_000_000L, clockRate);
    }

    private long unwrap(long rtp) {
      rtp &= 0xffffffffL;
      if (!seen) {
        seen = true;
        lastRaw = rtp;
        lastExt = rtp;
        return rtp;
      }
      lastExt += (int) (rtp - lastRaw); // signed 32-bit step (RFC 3550 timestamps wrap)
      lastRaw = rtp;
      return lastExt;
    }
  }

  Track track(int clockRate) {
    return new Track(clockRate);
  }

  /** Sender Reports skipped as wild. */
  long wildReports() {
    return wildReports;
  }

  /** 64-bit NTP (seconds since 1900 . 32-bit fraction) in µs. */
  static long ntpMicros(long ntp64) {
    long seconds = ntp64 >>> 32;
    long fraction = ntp64 & 0xffffffffL;
    return seconds * 1_000_000L + ((fraction * 1_000_000L) >>> 32);
  }
}
