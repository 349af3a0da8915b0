package studio.tally.server.bridge;

/**
 * Maps a WebRTC publisher's RTP timestamps (one clock per track) onto one stream timeline in µs,
 * for FLV. Until a track has a Sender Report its times come from arrival: its first packet is placed
 * at its arrival time and later ones follow their RTP clock, so audio starts at once. The first SR
 * (RFC 3550 §6.4.1: an NTP time and the RTP time of the same instant) ties the sender's NTP clock to
 * the timeline without moving that track; each later SR re-anchors its track on the sender's clock,
 * which aligns audio and video with each other. An SR that disagrees with the current mapping by
 * more than {@link #WILD_MICROS} is counted and skipped; three in a row are believed: for a track already
 * on the sender's clock the sender's clock stepped (the tie to NTP is re-made), for a track still
 * placed by arrival its first packets came late (it moves onto the sender's clock). A backward SR
 * correction of a smooth track (video) is absorbed gradually, never stepped back. After a sequence
 * jump a track keeps its mapping if its RTP clock ran on, and is placed by arrival if that jumped too.
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
    private boolean verify;
    private final boolean smooth;
    /** A backward correction still being absorbed (µs), and where it started. */
    private long slewMicros;
    private long slewStartExt;

    Track(int clockRate, boolean smooth) {
      if (clockRate <= 0) throw new IllegalArgumentException("clock rate " + clockRate);
      this.clockRate = clockRate;
      this.smooth = smooth;
    }

    /** The timeline time (µs since the first packet of any track) of a packet with RTP time {@code rtp}. */
    long map(long rtp, long arrivalMicros) {
      if (origin == Long.MIN_VALUE) origin = arrivalMicros;
      long ext = unwrap(rtp);
      long byArrival = arrivalMicros - origin;
      if (!anchored) {
        anchored = true;
        anchorExt = ext;
        anchorMicros = byArrival;
      } else if (verify) {
        verify = false;
        if (Math.abs(at(ext) - byArrival) > WILD_MICROS) { // its RTP clock restarted too
          anchorExt = ext; // the old clock's extrapolation means nothing now: no smoothing from it
          anchorMicros = byArrival;
          slewMicros = 0;
          bySenderReport = false;
        }
      }
      return at(ext);
    }

    /**
     * The sequence numbers jumped (a publisher that restarted the track): the next packet checks the
     * RTP clock against its arrival, and re-anchors by arrival if that clock jumped too.
     */
    void restart() {
      verify = anchored;
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
      boolean large = Math.abs(predicted - current) > WILD_MICROS;
      if (large) {
        wildReports++;
        if (++wildInARow < WILD_IN_A_ROW_TO_RESYNC) return false;
        if (bySenderReport) {
          ntpOffset = current - ntpMicros; // the sender's clock stepped for good: tie to it again
          predicted = current;
        }
        // else this track's arrival anchor was off (its first packets came late): follow the sender
      }
      wildInARow = 0;
      reanchor(ext, predicted, !large); // seconds are not absorbed gradually: the bridge keeps FLV time going
      bySenderReport = true;
      return true;
    }

    /**
     * Moves the anchor. A smooth track (video) does not step back: a backward correction is absorbed
     * by running its clock 10 % fast until caught up, so frames keep their spacing order and a player
     * sees no burst; forward corrections (and every correction of a track that is not smooth) apply at once.
     */
    private void reanchor(long ext, long micros, boolean allowSlew) {
      long before = at(ext);
      anchorExt = ext;
      anchorMicros = micros;
      slewMicros = 0;
      if (smooth && allowSlew && before > micros) {
        slewMicros = before - micros;
        slewStartExt = ext;
      }
    }

    boolean bySenderReport() {
      return bySenderReport;
    }

    private long at(long ext) {
      long t = anchorMicros + Math.floorDiv((ext - anchorExt) * 1_000_000L, clockRate);
      if (slewMicros > 0) {
        long elapsed = Math.max(0, Math.floorDiv((ext - slewStartExt) * 1_000_000L, clockRate));
        t += Math.max(0, slewMicros - elapsed / 10);
      }
      return t;
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

  /** A track; {@code smooth} absorbs backward corrections gradually (video) instead of stepping back. */
  Track track(int clockRate, boolean smooth) {
    return new Track(clockRate, smooth);
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
