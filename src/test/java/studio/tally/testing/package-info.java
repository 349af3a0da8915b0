/**
 * Real peers for integration tests and benchmarks: {@link studio.tally.testing.Ffmpeg}
 * (bundled 8.1 and Debian 5.1) with {@link studio.tally.testing.FfmpegProcess},
 * {@link studio.tally.testing.Ffprobe}, {@link studio.tally.testing.NginxRtmp} (RTMP and RTMPS),
 * {@link studio.tally.testing.TlsFront} (nginx TLS in front of any port), {@link studio.tally.testing.FreePort},
 * {@link studio.tally.testing.Processes} (CPU/RSS from /proc).
 *
 * <p>Rules: everything talks to 127.0.0.1 only; a missing peer fails with {@link studio.tally.testing.PeerMissing}
 * naming the Debian package (never a skip); every process is a {@link studio.tally.testing.PeerProcess} whose
 * stderr tail goes into failure messages and whose logs stay in {@code target/peers/<run>/}. Annotate test
 * classes with {@code @ExtendWith(PeerReaper.class)} so leftovers die after each test, failing or not; a
 * shutdown hook kills the rest at JVM exit (a SIGKILLed test JVM cannot clean up: nothing can).
 */
package studio.tally.testing;
