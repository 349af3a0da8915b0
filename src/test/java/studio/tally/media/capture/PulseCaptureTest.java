package studio.tally.media.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.media.AudioLevel;
import studio.tally.media.MediaException;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.record.Recorder;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.PulseAudioServer;
import studio.tally.testing.ToneAnalysis;

/**
 * Microphone and desktop audio captured from a real PulseAudio server this test starts: a sine source
 * is the microphone (440 Hz, -9.03 dBFS RMS), the monitor of a null sink that ffmpeg plays a 1 kHz
 * tone into (-15.05 dBFS RMS) is desktop audio. Meters, the recording's spectrum, gain and mute; then
 * what goes wrong with devices: suspended, unplugged and back, a name that does not exist, a server
 * that dies.
 */
@ExtendWith(PeerReaper.class)
class PulseCaptureTest {
  private static final double DESKTOP_AMPLITUDE = 0.25;
  private static final double DESKTOP_RMS_DB = 20 * Math.log10(DESKTOP_AMPLITUDE / Math.sqrt(2)); // -15.05
  private static final double MIC_AMPLITUDE = 0.5;
  private static final double MIC_RMS_DB = PulseAudioServer.HALF_SCALE_SINE_RMS_DB;
  private static final VideoFormat FORMAT = new VideoFormat(320, 240, 15);
  private static PulseAudioServer pulse;

  @BeforeAll
  static void startPulse() {
    pulse = PulseAudioServer.start();
    System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
    pulse.startToneSource("mic", 440, MIC_AMPLITUDE);
    pulse.loadNullSink("desktop");
    pulse.playTone("desktop", 1000, DESKTOP_AMPLITUDE);
  }

  @AfterAll
  static void stopPulse() {
    System.clearProperty(PulseSources.SERVER_PROPERTY);
    if (pulse != null) pulse.close();
  }

  @Test
  void micAndDesktopAudioAreListedMeteredRecordedAtTheirFrequencyAndGainAndMuteActOnThem() throws Exception {
    List<Device> devices = DeviceCatalog.pulseDevices();
    devices.forEach(System.out::println);
    assertThat(devices).filteredOn(d -> d.id().equals("pulse:mic")).singleElement()
        .satisfies(d -> assertThat(d.kind()).isEqualTo(Device.Kind.AUDIO_INPUT));
    assertThat(devices).filteredOn(d -> d.id().equals("pulse:desktop.monitor")).singleElement()
        .satisfies(d -> assertThat(d.kind()).isEqualTo(Device.Kind.AUDIO_MONITOR));

    var clock = SessionClock.start(Clock.systemUTC());
    Path file = PeerFiles.newDir("pulse-capture").resolve("mic-and-desktop.mkv");
    var mic = DeviceCatalog.openAudio("pulse:mic", clock);
    var desktop = DeviceCatalog.openAudio("pulse:desktop.monitor", clock);
    try (var session = MediaSession.start(clock, new MediaSession.Config(FORMAT,
        List.of(new VideoInput(new TestPattern("pattern", FORMAT, clock), Layer.FULL)),
        List.of(new AudioInput(mic), new AudioInput(desktop)), EncoderSettings.of("libx264", 300), 128, 0), new Recorder(file))) {
      // both meters read their tone within ±1 dB
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0));
        assertThat(level(session, 1).rmsDb()).isCloseTo(DESKTOP_RMS_DB, within(1.0));
      });
      Thread.sleep(3000); // the recording: both tones

      session.setGain(0, -6);
      session.setMuted(1, true);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB - 6, within(1.0));
        assertThat(level(session, 1).rmsDb()).isEqualTo(AudioLevel.FLOOR_DB);
      });
      Thread.sleep(3000); // the mic 6 dB down, desktop muted

      session.setGain(0, 0);
      session.setMuted(1, false);
      session.setMuted(0, true);
      Thread.sleep(3000); // desktop only
      assertThat(mic.problem()).isNull();
      assertThat(desktop.problem()).isNull();
      assertThat(session.failure()).isNull();
      session.close();

      // the recording, one letter per 500 ms: B both tones at their level, M the mic alone 6 dB down,
      // D desktop alone, '.' anything else (the moments of change)
      var all = ToneAnalysis.of(file);
      int block = ToneAnalysis.RATE / 2;
      StringBuilder shape = new StringBuilder();
      StringBuilder levels = new StringBuilder();
      for (int i = 0; i + block <= all.samples(); i += block) {
        double mic440 = all.toneDb(440, i, i + block);
        double desk1k = all.toneDb(1000, i, i + block);
        boolean micFull = Math.abs(mic440 - MIC_RMS_DB) <= 1;
        boolean micDown = Math.abs(mic440 - (MIC_RMS_DB - 6)) <= 1;
        boolean deskOn = Math.abs(desk1k - DESKTOP_RMS_DB) <= 1;
        boolean micOff = mic440 < -50;
        boolean deskOff = desk1k < -50;
        shape.append(micFull && deskOn ? 'B' : micDown && deskOff ? 'M' : micOff && deskOn ? 'D' : '.');
        levels.append(String.format(java.util.Locale.ROOT, " %.1f/%.1f", mic440, desk1k));
      }
      System.out.println("440 Hz/1 kHz dBFS per 500 ms:" + levels);
      System.out.println("recording, 500 ms a letter: " + shape);
      // in this order, each for most of its 3 s (a block may catch a change, or a late tick of a busy machine)
      String sh = shape.toString();
      assertThat(sh.chars().filter(c -> c == 'B').count()).as(sh).isGreaterThanOrEqualTo(4);
      assertThat(sh.chars().filter(c -> c == 'M').count()).as(sh).isGreaterThanOrEqualTo(4);
      assertThat(sh.chars().filter(c -> c == 'D').count()).as(sh).isGreaterThanOrEqualTo(4);
      assertThat(sh.lastIndexOf('B')).as(sh).isLessThan(sh.indexOf('M'));
      assertThat(sh.lastIndexOf('M')).as(sh).isLessThan(sh.indexOf('D'));
      // and by spectrum: a desktop-only stretch is the 1 kHz tone, nothing at 440 Hz
      int d = shape.indexOf("DDDD");
      assertThat(d).as(sh).isNotNegative();
      var desktopAlone = ToneAnalysis.of(file, d * 0.5, 2);
      // within 1 %: the clock-drift correction may resample a device by up to that much while it settles
      assertThat(desktopAlone.dominantHz()).isCloseTo(1000, within(10.0));
      assertThat(desktopAlone.relativeDb(440)).as("mic muted").isLessThan(-40);
      int m = shape.indexOf("M");
      assertThat(ToneAnalysis.of(file, m * 0.5, 1).dominantHz()).isCloseTo(440, within(4.4));
    }
  }

  @Test
  void aSourceNoLongerFedIsReportedAsStalledTheMixGoesOnInSilenceAndItResumes() throws Exception {
    var source = pulse.startToneSource("stalling", 440, MIC_AMPLITUDE);
    var clock = SessionClock.start(Clock.systemUTC());
    Path file = PeerFiles.newDir("pulse-stall").resolve("stall.mkv");
    var mic = DeviceCatalog.openAudio("pulse:stalling", clock);
    try (var session = MediaSession.start(clock, new MediaSession.Config(FORMAT,
        List.of(new VideoInput(new TestPattern("pattern", FORMAT, clock), Layer.FULL)),
        List.of(new AudioInput(mic)), EncoderSettings.of("libx264", 300), 128, 0), new Recorder(file))) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(
          () -> assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0)));
      source.feeder().stop(); // the pipe is no longer fed: no samples, no error
      long suspended = clock.micros();
      // a suspended source (pactl suspend-source) is the same to a client: no samples, no error
      await().atMost(Duration.ofSeconds(3)).until(() -> mic.problem() != null);
      System.out.println(mic.problem());
      assertThat(mic.problem()).startsWith("stalled: no samples from pulse 'stalling'");
      long framesAtStall = session.stats().framesEncoded();
      await().atMost(Duration.ofSeconds(5)).until(() -> level(session, 0).rmsDb() == AudioLevel.FLOOR_DB);
      Thread.sleep(2000);
      assertThat(session.stats().framesEncoded()).as("video goes on").isGreaterThan(framesAtStall + 10);

      pulse.feed(source.fifo(), 440, MIC_AMPLITUDE);
      await().atMost(Duration.ofSeconds(5)).until(() -> mic.problem() == null);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(
          () -> assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0)));
      long resumed = clock.micros();
      Thread.sleep(2500);
      assertThat(session.failure()).isNull();
      session.close();

      // the recording: tone, then silence for as long as the source was suspended, then tone again
      var all = ToneAnalysis.of(file);
      int block = ToneAnalysis.RATE / 4;
      StringBuilder shape = new StringBuilder(); // one letter per 250 ms: T tone, s silence
      for (int i = 0; i + block <= all.samples(); i += block) shape.append(all.rmsDb(i, i + block) > -12 ? 'T' : all.rmsDb(i, i + block) < -60 ? 's' : '~');
      System.out.println("recording, 250 ms a letter: " + shape);
      double stalledSeconds = (resumed - suspended) / 1e6;
      int silentBlocks = (int) Math.floor((stalledSeconds - 1.0) * 4);
      assertThat(shape.toString()).as("suspended for %.1f s", stalledSeconds).containsPattern("T~?s{" + silentBlocks + ",}~?T");
      assertThat(shape.toString()).endsWith("TTTT");
      // no hole: the audio runs as long as the video
      var probe = studio.tally.testing.Ffprobe.bundled().probe(file.toString());
      assertThat(ToneAnalysis.of(file).seconds()).isCloseTo(probe.format().duration(), within(0.5));
    }
  }

  @Test
  void anUnpluggedSourceIsDisconnectedSilentAndResumesWhenItReturns() throws Exception {
    var usb = pulse.startToneSource("usb-mic", 440, MIC_AMPLITUDE);
    var clock = SessionClock.start(Clock.systemUTC());
    var mic = DeviceCatalog.openAudio("pulse:usb-mic", clock);
    try (var session = MediaSession.open(clock, new MediaSession.Scene(FORMAT,
        List.of(new VideoInput(new TestPattern("pattern", FORMAT, clock), Layer.FULL)), List.of(new AudioInput(mic)), 0))) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(
          () -> assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0)));
      pulse.unloadModule(usb.module());
      usb.feeder().stop();
      await().atMost(Duration.ofSeconds(3)).until(() -> mic.problem() != null && mic.problem().startsWith("disconnected"));
      System.out.println(mic.problem());
      assertThat(mic.problem()).contains("usb-mic");
      // PulseAudio moves our stream to another source (the "mic" tone): we must not play that
      await().atMost(Duration.ofSeconds(5)).until(() -> level(session, 0).rmsDb() == AudioLevel.FLOOR_DB);
      Thread.sleep(1500);
      assertThat(level(session, 0).rmsDb()).isEqualTo(AudioLevel.FLOOR_DB);

      pulse.startToneSource("usb-mic", 440, MIC_AMPLITUDE);
      await().atMost(Duration.ofSeconds(5)).until(() -> mic.problem() == null);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(
          () -> assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0)));
      assertThat(session.failure()).isNull();
    }
  }

  @Test
  void aSourceInAnotherSampleFormatRateAndLayoutIsConvertedNotRefused() throws Exception {
    // 8-bit µ-law, 8 kHz, mono (a telephone headset): the sound server converts it to the 48 kHz
    // stereo s16 we ask for, so it is metered and mixed like any other
    Path fifo = pulse.dirPath().resolve("phone.fifo");
    int module = pulse.loadPipeSource("phone", fifo, "ulaw", 8000, 1);
    var feeder = pulse.feedRaw(fifo, "0.5*sin(2*PI*440*t)", 8000, "mono", "mulaw");
    var clock = SessionClock.start(Clock.systemUTC());
    try (var phone = DeviceCatalog.openAudio("pulse:phone", clock)) {
      assertThat(phone.sampleRate()).isEqualTo(48000);
      assertThat(phone.channels()).isEqualTo(2);
      try (var session = MediaSession.open(clock, new MediaSession.Scene(FORMAT,
          List.of(new VideoInput(new TestPattern("pattern", FORMAT, clock), Layer.FULL)), List.of(new AudioInput(phone)), 0))) {
        // µ-law quantizes coarsely: within 1 dB all the same
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
            () -> assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0)));
        assertThat(phone.problem()).isNull();
      }
    } finally {
      feeder.stop();
      pulse.unloadModule(module);
    }
  }

  @Test
  void aDeviceThatDoesNotExistIsAClearError() {
    var clock = SessionClock.start(Clock.systemUTC());
    assertThatThrownBy(() -> DeviceCatalog.openAudio("pulse:no-such-mic", clock)).isInstanceOf(MediaException.class)
        .hasMessageContaining("no PulseAudio source 'no-such-mic'").hasMessageContaining("mic");
  }

  @Test
  void aSoundServerThatDiesIsReportedAndTheVideoGoesOn() throws Exception {
    var dying = PulseAudioServer.start();
    try {
      dying.startToneSource("doomed", 440, MIC_AMPLITUDE);
      System.setProperty(PulseSources.SERVER_PROPERTY, dying.server());
      var clock = SessionClock.start(Clock.systemUTC());
      var mic = DeviceCatalog.openAudio("pulse:doomed", clock);
      try (var session = MediaSession.open(clock, new MediaSession.Scene(FORMAT,
          List.of(new VideoInput(new TestPattern("pattern", FORMAT, clock), Layer.FULL)), List.of(new AudioInput(mic)), 0))) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
            () -> assertThat(level(session, 0).rmsDb()).isCloseTo(MIC_RMS_DB, within(1.0)));
        dying.kill();
        await().atMost(Duration.ofSeconds(3)).until(() -> mic.problem() != null);
        System.out.println(mic.problem());
        assertThat(mic.problem()).startsWith("disconnected");
        long composed = session.stats().framesComposed();
        await().atMost(Duration.ofSeconds(5)).until(() -> session.stats().framesComposed() > composed + 15);
        await().atMost(Duration.ofSeconds(5)).until(() -> level(session, 0).rmsDb() == AudioLevel.FLOOR_DB);
        assertThat(session.failure()).isNull();
      }
    } finally {
      System.setProperty(PulseSources.SERVER_PROPERTY, pulse.server());
      dying.close();
    }
  }

  private static AudioLevel level(MediaSession session, int input) {
    return session.audioLevels().stream().filter(l -> l.input() == input).findFirst().orElse(AudioLevel.silent(input));
  }
}
