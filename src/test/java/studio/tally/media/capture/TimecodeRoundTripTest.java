package studio.tally.media.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.media.EncodedPacket;
import studio.tally.media.H264Decoding;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.encode.EncoderCatalog;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.encode.VideoEncoder;

/** The block code survives libx264 at 1 Mbps: frame numbers and capture ms read back in order. */
class TimecodeRoundTripTest {

  @Test
  void frameNumbersAndCaptureTimesSurviveH264At1Mbps() {
    var clock = SessionClock.virtual(Clock.systemUTC());
    var format = new VideoFormat(1280, 720, 30);
    List<EncodedPacket> packets = new ArrayList<>();
    byte[] avcC;
    try (var pattern = new TestPattern("pattern", format, clock);
        var encoder = VideoEncoder.open(EncoderCatalog.byName("libx264"), EncoderSettings.of("libx264", 1000), format, av_make_q(1, 1_000_000))) {
      for (int k = 0; k < 60; k++) {
        var frame = pattern.frameAt(format.frameTime(k));
        encoder.encode(frame, packets::add);
        av_frame_free(frame);
      }
      encoder.encode(null, packets::add);
      avcC = encoder.format().decoderConfig();
    }
    assertThat(avcC).isNotNull();
    assertThat(avcC[0]).isEqualTo((byte) 1);
    assertThat(packets).hasSize(60);
    assertThat(packets.get(0).keyframe()).isTrue();

    List<Timecode> read = new ArrayList<>();
    H264Decoding.decode(avcC, packets, frame -> read.add(TimecodeReader.read(frame).orElseThrow(
        () -> new AssertionError("no time code in decoded frame " + read.size()))));
    assertThat(read).hasSize(60);
    long wallStartMs = clock.wallMicros(0) / 1000;
    for (int k = 0; k < 60; k++) {
      assertThat(read.get(k).frame()).isEqualTo(k);
      assertThat(read.get(k).wallMillis()).isEqualTo(clock.wallMicros(format.frameTime(k)) / 1000);
    }
    assertThat(read.get(0).wallMillis()).isEqualTo(wallStartMs);
  }

  @Test
  void thePlainPatternCarriesNoBlockCodeTheStampedOneDoes() {
    var clock = SessionClock.virtual(Clock.systemUTC());
    var format = new VideoFormat(640, 360, 30);
    try (var plain = TestPattern.plain("plain", format, clock); var stamped = new TestPattern("stamped", format, clock)) {
      for (int k = 0; k < 3; k++) {
        var p = plain.frameAt(format.frameTime(k));
        var s = stamped.frameAt(format.frameTime(k));
        try {
          assertThat(TimecodeReader.read(p)).as("plain frame " + k).isEmpty();
          assertThat(TimecodeReader.read(s).orElseThrow().frame()).isEqualTo(k);
          assertThat(p.width()).isEqualTo(640);
          assertThat(p.format()).isEqualTo(AV_PIX_FMT_YUV420P);
        } finally {
          av_frame_free(p);
          av_frame_free(s);
        }
      }
    }
  }

  @Test
  void readerRejectsAPictureWithoutCode() {
    int w = 640;
    int h = 360;
    assertThat(TimecodeReader.read((x, y) -> 16, w, h)).isEmpty();
    assertThat(TimecodeReader.read((x, y) -> (x / 7 + y / 5) % 2 == 0 ? 235 : 16, w, h)).isEmpty();
  }
}
