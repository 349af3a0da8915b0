package studio.tally.media.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.media.decode.AudioDecoder;
import studio.tally.media.decode.DecodedAudio;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.server.bridge.AudioCodecId;
import studio.tally.server.bridge.AudioFormat;
import studio.tally.server.bridge.AudioTranscoder;
import studio.tally.server.bridge.AudioUnit;
import studio.tally.server.bridge.TranscodeException;

/**
 * A 1 kHz tone encoded by FFmpeg goes through the transcoder and comes back (decoded by FFmpeg) at
 * the same frequency and level, on a monotonic timeline as long as the input's; bad units and bad
 * configs are refused with an exception and leave the transcoder working.
 */
class FfmpegAudioTranscodersTest {
  private static final double HZ = 1000;
  private static final double AMPLITUDE = 0.3;
  private static final double SECONDS = 3;
  private static final long START = 5_000_000; // the input timeline does not start at zero
  private final FfmpegAudioTranscoders factory = new FfmpegAudioTranscoders();

  @Test
  void aac44kMonoToOpus() throws Exception {
    var in = ToneUnits.encode("aac", 44_100, 1, HZ, AMPLITUDE, SECONDS, START);
    roundTrip(new AudioFormat(AudioCodecId.AAC, 44_100, 1, in.config()), AudioFormat.opus(), in);
  }

  @Test
  void aac48kStereoToOpus() throws Exception {
    var in = ToneUnits.encode("aac", 48_000, 2, HZ, AMPLITUDE, SECONDS, START);
    roundTrip(new AudioFormat(AudioCodecId.AAC, 48_000, 2, in.config()), AudioFormat.opus(), in);
  }

  @Test
  void opusToAac48kStereo() throws Exception {
    var in = ToneUnits.encode("libopus", 48_000, 2, HZ, AMPLITUDE, SECONDS, START);
    AudioFormat out = roundTrip(AudioFormat.opus(), new AudioFormat(AudioCodecId.AAC, 48_000, 2, null), in);
    AudioSpecificConfig asc = AudioSpecificConfig.parse(out.config());
    assertThat(asc.sampleRate()).isEqualTo(48_000);
    assertThat(asc.channels()).isEqualTo(2);
  }

  @Test
  void opusToAac44kMono() throws Exception {
    var in = ToneUnits.encode("libopus", 48_000, 2, HZ, AMPLITUDE, SECONDS, START);
    AudioFormat out = roundTrip(AudioFormat.opus(), new AudioFormat(AudioCodecId.AAC, 44_100, 1, null), in);
    assertThat(AudioSpecificConfig.parse(out.config()).sampleRate()).isEqualTo(44_100);
  }

  /**
   * The bridge's own A/V bias on the audio side: a beep at each whole second of AAC (labelled as FFmpeg's
   * muxers label it, priming included) through the transcoder to Opus, decoded as libwebrtc decodes RTP
   * (no pre-skip: the encoder's look-ahead is in the packets' times), starts at the time it was made,
   * within 1 ms, at 48 kHz (no resampling) and at 44.1 kHz (the resampler's delay).
   */
  @Test
  void beepsKeepTheirTimeFromAacToOpus() throws Exception {
    for (int rate : new int[] {48_000, 44_100}) {
      for (int channels : new int[] {1, 2}) {
        List<Double> errors = beepOnsetErrorsMillis(rate, channels);
        System.out.printf("AAC %d Hz %d ch -> Opus: beep onset minus its time, ms %s%n", rate, channels, errors);
        assertThat(errors).as("AAC %d Hz, %d channels", rate, channels).hasSize(BEEPS)
            .allSatisfy(e -> assertThat(e).isCloseTo(0.0, within(1.0)));
      }
    }
  }

  private static final int BEEPS = 3;

  /** Onset time (from the Opus units' times) minus the time each beep was made, one per beep, ms. */
  private List<Double> beepOnsetErrorsMillis(int rate, int channels) throws Exception {
    // 880 Hz for 100 ms at each whole second from 1 s on (as the A/V check's test pattern), silence between
    var in = ToneUnits.encode("aac", rate, channels,
        n -> n >= rate && n % rate < rate / 10 ? 0.5 * Math.sin(2 * Math.PI * 880 * n / rate) : 0, BEEPS + 1, START);
    List<AudioUnit> out = new ArrayList<>();
    try (AudioTranscoder t = factory.open(new AudioFormat(AudioCodecId.AAC, rate, channels, in.config()),
        AudioFormat.opus())) {
      for (AudioUnit u : in.units()) out.addAll(t.transcode(u));
    }
    long first = out.getFirst().ptsMicros();
    for (int i = 0; i < out.size(); i++) { // contiguous: sample k of the decoded output is at first + k / 48 kHz
      assertThat(out.get(i).ptsMicros()).as("pts of unit %d", i).isCloseTo(first + i * 20_000L, within(1L));
    }
    float[] pcm = ToneUnits.decodeMono(AV_CODEC_ID_OPUS, ToneUnits.opusHead(2), 48_000, 2, out);
    List<Double> errors = new ArrayList<>();
    int from = 0;
    for (int k = 1; k <= BEEPS; k++) {
      int at = ToneUnits.onset(pcm, from, 0.05); // the page's threshold: -26 dBFS
      if (at < 0) break;
      double onsetMicros = first + at * 1e6 / 48_000;
      errors.add(Math.round((onsetMicros - (START + k * 1e6)) / 10) / 100.0);
      from = at + 48_000 / 2;
    }
    return errors;
  }

  private AudioFormat roundTrip(AudioFormat inFormat, AudioFormat outFormat, ToneUnits.Encoded in) throws Exception {
    List<AudioUnit> out = new ArrayList<>();
    AudioFormat produced;
    try (AudioTranscoder t = factory.open(inFormat, outFormat)) {
      produced = t.output();
      for (AudioUnit u : in.units()) out.addAll(t.transcode(u));
    }
    assertThat(out).isNotEmpty();
    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i).ptsMicros()).as("pts of unit %d", i).isGreaterThan(out.get(i - 1).ptsMicros());
    }
    // decoded back with the players' decoder: no unit refused, and as long as the input
    boolean aacOut = outFormat.codec() == AudioCodecId.AAC;
    byte[] decoderConfig = aacOut ? produced.config() : ToneUnits.opusHead(2);
    List<DecodedAudio> blocks = new ArrayList<>();
    try (AudioDecoder d = AudioDecoder.open(aacOut ? AudioDecoder.Codec.AAC : AudioDecoder.Codec.OPUS, decoderConfig)) {
      for (AudioUnit u : out) d.decode(u.data(), 0, u.data().length, u.ptsMicros(), blocks::add);
      assertThat(d.rejected()).isZero();
    }
    long outMicros = blocks.stream().mapToLong(DecodedAudio::durationMicros).sum();
    long inMicros = in.inputSamples() * 1_000_000L / inFormat.sampleRate();
    long outFrame = aacOut ? 1024 * 1_000_000L / outFormat.sampleRate() : 20_000;
    long inFrame = in.frameSize() * 1_000_000L / inFormat.sampleRate();
    // what is still in the FIFO and the encoders' look-ahead is at most one frame each side
    assertThat(outMicros).as("output duration vs input %d µs", inMicros).isCloseTo(inMicros, within(outFrame + inFrame));
    long firstOut = out.getFirst().ptsMicros();
    assertThat(firstOut).as("first output continues the input timeline").isCloseTo(START, within(outFrame + inFrame));

    float[] before = ToneUnits.decodeMono(inFormat.codec() == AudioCodecId.AAC ? AV_CODEC_ID_AAC : AV_CODEC_ID_OPUS,
        inFormat.codec() == AudioCodecId.AAC ? inFormat.config() : ToneUnits.opusHead(2), inFormat.sampleRate(),
        inFormat.channels(), in.units());
    float[] after = ToneUnits.decodeMono(aacOut ? AV_CODEC_ID_AAC : AV_CODEC_ID_OPUS, decoderConfig,
        outFormat.sampleRate(), outFormat.channels(), out);
    int r = outFormat.sampleRate();
    double f = ToneUnits.frequency(after, r, r / 4, after.length - r / 4);
    assertThat(f).as("frequency after transcoding").isCloseTo(HZ, within(HZ * 0.01));
    int ri = inFormat.sampleRate();
    double levelIn = ToneUnits.rmsDb(before, ri / 4, before.length - ri / 4);
    double levelOut = ToneUnits.rmsDb(after, r / 4, after.length - r / 4);
    assertThat(levelOut).as("level after transcoding vs %.2f dBFS before", levelIn).isCloseTo(levelIn, within(1.0));
    return produced;
  }

  @Test
  void garbageUnitIsRefusedAndTheNextOneStillWorks() throws Exception {
    var aac = ToneUnits.encode("aac", 48_000, 2, HZ, AMPLITUDE, 1, 0);
    var opus = ToneUnits.encode("libopus", 48_000, 2, HZ, AMPLITUDE, 1, 0);
    byte[] garbage = new byte[300];
    new java.util.Random(7).nextBytes(garbage);
    garbage[0] = (byte) 0xFF; // AAC: an ID_END-free garbage element; Opus: code-3 TOC...
    garbage[1] = 0; // ...with a frame count of zero
    try (AudioTranscoder t = factory.open(new AudioFormat(AudioCodecId.AAC, 48_000, 2, aac.config()), AudioFormat.opus())) {
      assertGarbageRefused(t, aac.units(), garbage);
    }
    try (AudioTranscoder t = factory.open(AudioFormat.opus(), new AudioFormat(AudioCodecId.AAC, 48_000, 2, null))) {
      assertGarbageRefused(t, opus.units(), garbage);
    }
  }

  private static void assertGarbageRefused(AudioTranscoder t, List<AudioUnit> units, byte[] garbage) throws Exception {
    int produced = 0;
    for (int i = 0; i < 10; i++) produced += t.transcode(units.get(i)).size();
    long at = units.get(10).ptsMicros();
    assertThatThrownBy(() -> t.transcode(new AudioUnit(garbage, at)))
        .isInstanceOf(TranscodeException.class).hasMessageContaining("does not decode");
    assertThatThrownBy(() -> t.transcode(new AudioUnit(new byte[0], at))).isInstanceOf(TranscodeException.class);
    for (int i = 10; i < units.size(); i++) produced += t.transcode(units.get(i)).size();
    assertThat(produced).as("units out around the refused one").isGreaterThan(units.size() / 2);
  }

  @Test
  void badAudioSpecificConfigIsRefusedAtOpen() {
    // object type 0 (null), and a sampling-frequency index 15 with no explicit rate following
    for (byte[] bad : new byte[][] {{}, {0x00, 0x00}, {0x17}, {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}}) {
      assertThatThrownBy(() -> factory.open(new AudioFormat(AudioCodecId.AAC, 48_000, 2, bad), AudioFormat.opus()))
          .as("config %s", java.util.HexFormat.of().formatHex(bad))
          .isInstanceOf(TranscodeException.class).hasMessageContaining("AudioSpecificConfig");
    }
    assertThatThrownBy(() -> factory.open(AudioFormat.opus(), new AudioFormat(AudioCodecId.OPUS, 44_100, 2, null)))
        .isInstanceOf(TranscodeException.class).hasMessageContaining("48000");
  }

  @Test
  void thousandOpenCloseCyclesLeakNoNativeMemory() throws Exception {
    var aac = ToneUnits.encode("aac", 48_000, 2, HZ, AMPLITUDE, 0.2, 0);
    AudioFormat in = new AudioFormat(AudioCodecId.AAC, 48_000, 2, aac.config());
    for (int i = 0; i < 100; i++) cycle(in, aac.units());
    System.gc();
    long before = rssKb();
    for (int i = 0; i < 1000; i++) cycle(in, aac.units());
    System.gc();
    long grown = rssKb() - before;
    // one open transcoder holds ~0.5 MB of native state: 1000 leaked ones would be hundreds of MB
    assertThat(grown).as("RSS growth over 1000 open/transcode/close, kB").isLessThan(64 * 1024);
  }

  private void cycle(AudioFormat in, List<AudioUnit> units) throws TranscodeException {
    try (AudioTranscoder t = factory.open(in, AudioFormat.opus())) {
      for (AudioUnit u : units) t.transcode(u);
    }
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IllegalStateException("no VmRSS");
  }
}
