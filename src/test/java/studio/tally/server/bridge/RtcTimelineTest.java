package studio.tally.server.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** RTP times onto one timeline: arrival first, Sender Reports (RFC 3550 §6.4.1) after, wild ones skipped. */
class RtcTimelineTest {
  private static final long NTP_1900_OFFSET = 2_208_988_800L; // seconds from 1900 to 1970

  private final RtcTimeline timeline = new RtcTimeline();
  private final RtcTimeline.Track video = timeline.track(90_000, true);
  private final RtcTimeline.Track audio = timeline.track(48_000, false);

  /** An NTP64 for a sender wall clock of {@code micros} µs since 1970. */
  private static long ntp(long micros) {
    long seconds = micros / 1_000_000 + NTP_1900_OFFSET;
    long fraction = ((micros % 1_000_000) << 32) / 1_000_000;
    return (seconds << 32) | fraction;
  }

  @Test
  void beforeAnySenderReportTimesFollowArrivalThenTheRtpClock() {
    assertThat(audio.map(1000, 5_000_000)).isZero(); // the first packet of the stream is time 0
    assertThat(audio.map(1000 + 960, 5_040_000)).isEqualTo(20_000); // 960 samples later, whatever the arrival
    assertThat(video.map(7_000, 5_100_000)).isEqualTo(100_000); // anchored by its own arrival
    assertThat(video.map(7_000 + 3000, 5_200_000)).isEqualTo(133_333);
  }

  @Test
  void rtpTimestampsWrap() {
    long near = 0xffff_ff00L;
    assertThat(video.map(near, 0)).isZero();
    assertThat(video.map((near + 90_000) & 0xffff_ffffL, 0)).isEqualTo(1_000_000);
  }

  @Test
  void senderReportsAlignTheTracksWithoutMovingTheFirstOne() {
    long wall = 1_700_000_000_000_000L;
    audio.map(48_000, 0); // audio anchored at 0 by arrival
    video.map(90_000, 80_000); // video arrived 80 ms later (network), but was captured at the same instant
    // the sender says: audio rtp 48000 and video rtp 90000 are the same wall-clock instant
    assertThat(audio.senderReport(ntp(wall), 48_000)).isTrue();
    assertThat(audio.map(48_000 + 4800, 0)).as("first SR: audio does not move").isEqualTo(100_000);
    assertThat(video.senderReport(ntp(wall), 90_000)).isTrue();
    // video moved back 80 ms onto audio's clock, absorbed at 10 %: 8 ms gone after 80 ms of media
    assertThat(video.map(90_000 + 7200, 0)).isCloseTo(80_000 + 80_000 - 8_000, within(2L));
    // ...and fully after 800 ms
    assertThat(video.map(90_000 + 90_000, 0)).isCloseTo(1_000_000, within(2L));
    assertThat(timeline.wildReports()).isZero();
  }

  @Test
  void aWildSenderReportIsCountedAndSkipped() {
    long wall = 1_700_000_000_000_000L;
    audio.map(0, 0);
    audio.senderReport(ntp(wall), 0);
    long before = audio.map(48_000, 0);
    assertThat(audio.senderReport(ntp(wall + 3 * 86_400_000_000L), 48_000)).isFalse();
    assertThat(timeline.wildReports()).isEqualTo(1);
    assertThat(audio.map(48_000, 0)).isEqualTo(before);
    assertThat(audio.senderReport(ntp(wall + 2_000_000), 96_000)).as("a sane one after it").isTrue();
    assertThat(audio.map(96_000, 0)).isEqualTo(2_000_000);
  }

  @Test
  void aSenderClockThatReallySteppedIsFollowedAfterThreeReports() {
    long wall = 1_700_000_000_000_000L;
    audio.map(0, 0);
    audio.senderReport(ntp(wall), 0);
    long stepped = wall + 3_600_000_000L;
    assertThat(audio.senderReport(ntp(stepped + 1_000_000), 48_000)).isFalse();
    assertThat(audio.senderReport(ntp(stepped + 2_000_000), 96_000)).isFalse();
    assertThat(audio.senderReport(ntp(stepped + 3_000_000), 144_000)).isTrue();
    assertThat(timeline.wildReports()).isEqualTo(3);
    assertThat(audio.senderReport(ntp(stepped + 4_000_000), 192_000)).isTrue();
    assertThat(audio.map(192_000, 0)).isEqualTo(4_000_000);
  }

  @Test
  void aTrackAnchoredLateByArrivalMovesOntoTheSenderClockAfterThreeReports() {
    long wall = 1_700_000_000_000_000L;
    audio.map(0, 0);
    audio.senderReport(ntp(wall), 0);
    video.map(0, 5_000_000); // captured with the audio's first sample, but arrived 5 s late (a stall)
    assertThat(video.senderReport(ntp(wall + 1_000_000), 90_000)).isFalse();
    assertThat(video.senderReport(ntp(wall + 2_000_000), 180_000)).isFalse();
    assertThat(video.senderReport(ntp(wall + 3_000_000), 270_000)).isTrue();
    assertThat(video.map(360_000, 0)).as("on the audio's clock now").isEqualTo(4_000_000);
    assertThat(audio.senderReport(ntp(wall + 4_000_000), 192_000)).as("audio's tie unchanged").isTrue();
    assertThat(timeline.wildReports()).isEqualTo(3);
  }

  @Test
  void aSequenceJumpKeepsAContinuousRtpClockAndReanchorsAJumpedOne() {
    video.map(0, 0);
    video.map(90_000, 1_000_000);
    video.restart();
    assertThat(video.map(180_000, 2_000_000)).as("clock continued").isEqualTo(2_000_000);
    video.restart();
    assertThat(video.map(1_234_567_890L, 3_000_000)).as("clock jumped: placed by arrival").isEqualTo(3_000_000);
    assertThat(video.map(1_234_567_890L + 9000, 3_100_000)).isEqualTo(3_100_000);
  }

  @Test
  void ntpMicrosReadsSecondsAndFraction() {
    assertThat(RtcTimeline.ntpMicros((5L << 32) | 0x8000_0000L)).isEqualTo(5_500_000);
  }
}
