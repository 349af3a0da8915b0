package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.SessionClock;

/**
 * A microphone or desktop-audio device that keeps the mix going whatever the device does.
 *
 * <p>Timing: the first frame is placed on the session clock at the moment it arrived (minus its own
 * length); later frames follow sample-counted, and {@link DriftTracker} with {@link DriftResampler}
 * add or drop a few samples a frame so that the count keeps up with session time where the device's
 * clock runs apart from it (0.5 % is common; OBS resamples the same way).
 *
 * <p>Trouble: a device that delivers nothing for {@value #STALL_MICROS} µs (suspended, a pipe no
 * longer fed) is "stalled"; one whose reader ended (sound server gone) or that the sound server no
 * longer lists (unplugged: PulseAudio moves our stream to another source, so its samples are not
 * ours) is "disconnected". Either way {@link #problem()} says so, silence takes the device's place,
 * and a disconnected device is reopened every second until it is back. Holds at most 2 s: a scene
 * that stops draining loses the oldest audio.
 */
public final class DeviceAudioSource implements AudioSource {
  static final long STALL_MICROS = 700_000;
  private static final long RETRY_MICROS = 1_000_000;
  private static final long PRESENCE_CHECK_MICROS = 1_000_000;
  private static final int MAX_QUEUED_SECONDS = 2;
  private static final int SILENCE_FRAME = 1024;

  private final String name;
  private final String format;
  private final String url;
  private final Map<String, String> options;
  private final SessionClock clock;
  private final Predicate<String> present;
  private final ArrayDeque<AVFrame> queue = new ArrayDeque<>();
  private final int sampleRate;
  private final int channels;
  private final int sampleFormat;
  private final Thread watchdog;
  private final DriftTracker drift;
  private final DriftResampler resampler;
  private volatile DeviceInput device;
  private volatile boolean closed;
  private volatile String problem;
  private volatile long lastArrivalMicros;
  private long nextPts = Long.MIN_VALUE; // pts after the last frame handed out or queued
  private long queuedSamples;
  private boolean anchored;

  private DeviceAudioSource(String name, String format, String url, Map<String, String> options, SessionClock clock,
      Predicate<String> present) {
    this.name = name;
    this.format = format;
    this.url = url;
    this.options = Map.copyOf(options);
    this.clock = clock;
    this.present = present;
    DeviceInput first = DeviceInput.open(format, url, options, AVMEDIA_TYPE_AUDIO);
    var dec = first.decoder();
    sampleRate = dec.sample_rate();
    channels = dec.ch_layout().nb_channels();
    sampleFormat = dec.sample_fmt();
    drift = new DriftTracker(sampleRate);
    resampler = new DriftResampler(sampleRate, sampleFormat, channels);
    lastArrivalMicros = clock.micros();
    attach(first);
    watchdog = Thread.ofPlatform().name("tally-capture-watch " + name).daemon().start(this::watch);
  }

  /**
   * Opens an audio capture device (pulse, alsa, dshow, avfoundation) with its AVOptions. present
   * tells whether the device is still there (checked every second), or null when that cannot be known.
   */
  public static DeviceAudioSource open(String name, String format, String url, Map<String, String> options, SessionClock clock,
      Predicate<String> present) {
    return new DeviceAudioSource(name, format, url, options, clock, present);
  }

  private void attach(DeviceInput input) {
    device = input;
    input.start(f -> offer(input, f));
  }

  private synchronized void offer(DeviceInput from, AVFrame frame) {
    if (from != device || closed) { // a device being replaced, or our stream moved to another source
      av_frame_free(frame);
      return;
    }
    long now = clock.micros();
    lastArrivalMicros = now;
    long arrivedStart = now * sampleRate / 1_000_000L - frame.nb_samples();
    if (!anchored) {
      // (re)start: at its arrival, never before what was already handed out (silence filled the gap)
      long start = nextPts == Long.MIN_VALUE ? arrivedStart : Math.max(nextPts, arrivedStart);
      drift.restart(start);
      anchored = true;
    }
    int delta = drift.compensation(frame.nb_samples(), arrivedStart);
    if (drift.takeResync()) {
      queue.forEach(f -> av_frame_free(f)); // stamped before the jump: stale
      queue.clear();
      queuedSamples = 0;
    }
    AVFrame in = frame;
    try {
      frame = resampler.convert(in, delta);
    } finally {
      av_frame_free(in);
    }
    if (frame.nb_samples() == 0) {
      av_frame_free(frame);
      return;
    }
    frame.pts(drift.handedOut(frame.nb_samples()));
    nextPts = frame.pts() + frame.nb_samples();
    queue.add(frame);
    queuedSamples += frame.nb_samples();
    while (queuedSamples > (long) MAX_QUEUED_SECONDS * sampleRate && queue.size() > 1) {
      AVFrame old = queue.poll();
      queuedSamples -= old.nb_samples();
      av_frame_free(old);
    }
    if (problem != null && problem.startsWith("stalled")) problem = null;
  }

  @Override
  public synchronized AVFrame next(long untilMicros) {
    long until = untilMicros * sampleRate / 1_000_000L;
    AVFrame head = queue.peek();
    if (head != null) {
      if (head.pts() >= until) return null;
      queuedSamples -= head.nb_samples();
      return queue.poll();
    }
    if (problem == null || closed) return null;
    // stalled or disconnected: silence up to the tick, so the mix (which waits for every input) goes on
    if (nextPts == Long.MIN_VALUE) nextPts = until - SILENCE_FRAME;
    if (nextPts >= until) return null;
    int n = (int) Math.min(SILENCE_FRAME, until - nextPts);
    AVFrame f = silence(n);
    f.pts(nextPts);
    nextPts += n;
    return f;
  }

  private AVFrame silence(int n) {
    AVFrame f = av_frame_alloc();
    f.format(sampleFormat);
    f.sample_rate(sampleRate);
    f.nb_samples(n);
    av_channel_layout_default(f.ch_layout(), channels);
    Av.check(av_frame_get_buffer(f, 0), "silence frame");
    av_samples_set_silence(f.extended_data(), 0, n, channels, sampleFormat);
    return f;
  }

  /** Stall, disconnection and reconnection: checked every 100 ms on a thread of its own. */
  private void watch() {
    long nextPresenceCheck = 0;
    long nextRetry = 0;
    String disconnected = null;
    while (!closed) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      long now = clock.micros();
      DeviceInput d = device;
      if (d != null && d.error() != null) {
        disconnected = "disconnected: " + d.error();
        detach(disconnected);
      } else if (d != null && present != null && now >= nextPresenceCheck) {
        nextPresenceCheck = now + PRESENCE_CHECK_MICROS;
        if (!present.test(url)) {
          disconnected = "disconnected: " + label() + " is gone from the sound server";
          detach(disconnected);
        }
      }
      if (device == null) {
        if (now >= nextRetry) {
          nextRetry = now + RETRY_MICROS;
          reopen(disconnected);
        }
      } else if (problem == null && now - lastArrivalMicros > STALL_MICROS) {
        stalled(String.format(java.util.Locale.ROOT, "stalled: no samples from %s for %.1f s (suspended, muted at the source, or no longer fed)",
            label(), (now - lastArrivalMicros) / 1e6));
      }
    }
  }

  private synchronized void stalled(String why) {
    problem = why;
    anchored = false; // samples that come back are placed when they arrive, after the silence
  }

  private void detach(String why) {
    DeviceInput d;
    synchronized (this) {
      d = device;
      device = null;
      problem = why;
      anchored = false;
      queue.forEach(f -> av_frame_free(f));
      queue.clear();
      queuedSamples = 0;
    }
    if (d != null) {
      d.stop();
      Thread.ofPlatform().name("tally-capture-close " + name).daemon().start(d::close); // may block in libpulse
    }
  }

  private void reopen(String why) {
    if (present != null && !present.test(url)) return; // not back yet: no need to ask libavdevice
    DeviceInput input;
    try {
      input = DeviceInput.open(format, url, options, AVMEDIA_TYPE_AUDIO);
    } catch (MediaException e) {
      problem = why + "; reconnecting (" + e.getMessage() + ")";
      return;
    }
    var dec = input.decoder();
    if (dec.sample_rate() != sampleRate || dec.ch_layout().nb_channels() != channels || dec.sample_fmt() != sampleFormat) {
      input.close();
      problem = why + "; it came back with another sample format, rate or channel count: remove and add it again";
      return;
    }
    synchronized (this) {
      if (closed) {
        input.close();
        return;
      }
      lastArrivalMicros = clock.micros();
      problem = null;
      attach(input);
    }
  }

  private String label() {
    return format + " '" + url + "'";
  }

  /** Why this source delivers silence right now (stalled, disconnected), or null while it captures. */
  @Override
  public String problem() {
    return problem;
  }

  /** The device's clock against the session's: positive when it runs fast (ppm), 0 until measured. */
  public double driftPpm() {
    synchronized (this) {
      return drift.ppm();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int sampleRate() {
    return sampleRate;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public int sampleFormat() {
    return sampleFormat;
  }

  @Override
  public void close() {
    closed = true;
    watchdog.interrupt();
    try {
      watchdog.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    DeviceInput d = device;
    device = null;
    if (d != null) d.close();
    synchronized (this) {
      queue.forEach(f -> av_frame_free(f));
      queue.clear();
      resampler.close();
    }
  }
}
