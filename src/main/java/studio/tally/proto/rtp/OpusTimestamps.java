package studio.tally.proto.rtp;

/**
 * Opus over RTP (RFC 7587): the payload is one opaque Opus packet; the RTP clock is always 48 kHz
 * whatever the encoder's internal rate (§4.1), so a 20 ms frame advances the timestamp by 960.
 */
public final class OpusTimestamps {
  public static final int CLOCK_RATE = 48_000;

  private OpusTimestamps() {}

  /** RTP timestamp ticks for a frame of this many microseconds. */
  public static long ticksForMicros(long micros) {
    return micros * CLOCK_RATE / 1_000_000;
  }

  /** Microseconds for a timestamp difference. */
  public static long microsForTicks(long ticks) {
    return ticks * 1_000_000 / CLOCK_RATE;
  }

  /** The 32-bit RTP timestamp after advancing by {@code ticks}. */
  public static long advance(long timestamp, long ticks) {
    return (timestamp + ticks) & 0xffffffffL;
  }
}
