package studio.tally.media.capture;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.record.Recorder;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PulseAudioServer;
import studio.tally.testing.ToneAnalysis;

/**
 * A microphone whose clock runs apart from the session's, recorded with video, and how far its audio
 * moves against the video over the recording. The device is a pipe source that PulseAudio takes for
 * 48 kHz, fed in real time by ffmpeg at 48 kHz × (1 + ppm/10⁶): a clock ppm fast (negative: slow).
 * The feed beeps (1 kHz, 100 ms) on every whole second of real time; in the recording the beeps must
 * stay one second apart on the video's timeline, so beep k's onset minus beep 0's minus k seconds is
 * how far the audio drifted from the video by then.
 */
final class ClockDriftRun {
  /** Drift of each beep against the first, seconds (beep k at index k). */
  record Result(double ppm, double seconds, List<Double> offsets, double measuredPpm) {
    double maxAbsMillis() {
      return offsets.stream().mapToDouble(o -> Math.abs(o) * 1000).max().orElse(Double.NaN);
    }

    double lastMillis() {
      return offsets.isEmpty() ? Double.NaN : offsets.getLast() * 1000;
    }

    String summary() {
      return String.format(Locale.ROOT, "device %+.0f ppm, %.0f s: %d beeps, A/V offset max |%.1f| ms, at the end %+.1f ms; "
          + "measured drift %+.0f ppm", ppm, seconds, offsets.size(), maxAbsMillis(), lastMillis(), measuredPpm);
    }
  }

  private ClockDriftRun() {}

  static Result run(PulseAudioServer pulse, String name, int ppm, double seconds, Path file) throws InterruptedException {
    Path fifo = pulse.dirPath().resolve(name + ".fifo");
    int module = pulse.loadPipeSource(name, fifo, "s16le", 48000, 2);
    int rate = (int) Math.round(48000 * (1 + ppm / 1e6));
    PeerProcess feeder = pulse.feedExpression(fifo, "0.5*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,0.1)", rate);
    var format = new VideoFormat(320, 240, 15);
    var clock = SessionClock.start(Clock.systemUTC());
    double measured;
    try {
      var mic = (DeviceAudioSource) DeviceCatalog.openAudio("pulse:" + name, clock);
      try (var session = MediaSession.start(clock, new MediaSession.Config(format,
          List.of(new VideoInput(new TestPattern("pattern", format, clock), Layer.FULL)), List.of(new AudioInput(mic)),
          EncoderSettings.of("libx264", 200), 96, 0), new Recorder(file))) {
        Thread.sleep((long) (seconds * 1000));
        measured = mic.driftPpm();
        if (session.failure() != null) throw new AssertionError("session failed", session.failure());
      }
    } finally {
      feeder.stop();
      pulse.unloadModule(module);
    }
    List<Double> onsets = ToneAnalysis.of(file).onsets(-30);
    List<Double> offsets = new ArrayList<>();
    // skip the first two beeps: the device settles (its first packets, the first estimate)
    for (int k = 2; k < onsets.size(); k++) offsets.add(onsets.get(k) - onsets.get(2) - Math.round(onsets.get(k) - onsets.get(2)));
    return new Result(ppm, seconds, offsets, measured);
  }
}
