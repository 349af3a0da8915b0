package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayDeque;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.SessionClock;

/**
 * A microphone or desktop-audio device. Its first frame is placed on the session clock at the
 * moment it arrived (minus its own length); later frames follow sample-counted, so the stream has
 * no gaps or jitter. Holds at most 2 s: a scene that stops draining loses the oldest audio.
 */
public final class DeviceAudioSource implements AudioSource {
  private static final int MAX_QUEUED_SECONDS = 2;

  private final String name;
  private final DeviceInput device;
  private final SessionClock clock;
  private final ArrayDeque<AVFrame> queue = new ArrayDeque<>();
  private final int sampleRate;
  private final int channels;
  private final int sampleFormat;
  private long nextPts = Long.MIN_VALUE;
  private long queuedSamples;

  private DeviceAudioSource(String name, DeviceInput device, SessionClock clock) {
    this.name = name;
    this.device = device;
    this.clock = clock;
    var dec = device.decoder();
    sampleRate = dec.sample_rate();
    channels = dec.ch_layout().nb_channels();
    sampleFormat = dec.sample_fmt();
    device.start(this::offer);
  }

  /** Opens an audio capture device (pulse, alsa, dshow, avfoundation) with its AVOptions. */
  public static DeviceAudioSource open(String name, String format, String url, Map<String, String> options, SessionClock clock) {
    return new DeviceAudioSource(name, DeviceInput.open(format, url, options, AVMEDIA_TYPE_AUDIO), clock);
  }

  private synchronized void offer(AVFrame frame) {
    if (nextPts == Long.MIN_VALUE) nextPts = clock.micros() * sampleRate / 1_000_000L - frame.nb_samples();
    frame.pts(nextPts);
    nextPts += frame.nb_samples();
    queue.add(frame);
    queuedSamples += frame.nb_samples();
    while (queuedSamples > (long) MAX_QUEUED_SECONDS * sampleRate && queue.size() > 1) {
      AVFrame old = queue.poll();
      queuedSamples -= old.nb_samples();
      av_frame_free(old);
    }
  }

  @Override
  public synchronized AVFrame next(long untilMicros) {
    AVFrame head = queue.peek();
    if (head == null || head.pts() >= untilMicros * sampleRate / 1_000_000L) return null;
    queuedSamples -= head.nb_samples();
    return queue.poll();
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
  public String failure() {
    return device.error();
  }

  @Override
  public void close() {
    device.close();
    synchronized (this) {
      queue.forEach(f -> av_frame_free(f));
      queue.clear();
    }
  }
}
