package studio.tally.media;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The one clock a session stamps audio and video from: microseconds since session start, plus the
 * wall-clock time of that start so burnt-in time codes and beeps line up with real seconds.
 * {@link #virtual} never waits: a session driven by it runs as fast as the machine allows (benchmarks,
 * tests that must not depend on timing).
 */
public final class SessionClock {
  private final long wallStartMicros;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final boolean realTime;

  private SessionClock(long wallStartMicros, LongSupplier nanoTime, boolean realTime) {
    this.wallStartMicros = wallStartMicros;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.realTime = realTime;
  }

  /** Starts now: wall time from clock, elapsed time from the monotonic System.nanoTime. */
  public static SessionClock start(Clock clock) {
    var now = clock.instant();
    return new SessionClock(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000, System::nanoTime, true);
  }

  /** A clock whose session time is whatever the session asks for: frames are produced without waiting. */
  public static SessionClock virtual(Clock clock) {
    var now = clock.instant();
    return new SessionClock(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000, () -> 0L, false);
  }

  /** Microseconds since session start (always 0 for a virtual clock). */
  public long micros() {
    return (nanoTime.getAsLong() - startNanos) / 1000;
  }

  /** Whether a session paces itself by this clock (false for a virtual clock). */
  public boolean realTime() {
    return realTime;
  }

  /** Wall-clock time, µs since the epoch, of the session time sessionMicros. */
  public long wallMicros(long sessionMicros) {
    return wallStartMicros + sessionMicros;
  }
}
