package studio.tally.play;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The QA metrics of one player, fed with events and their times; pure (no clock of its own, no
 * threads: callers pass monotonic nanos and, for latency, wall-clock ms), so every rule is tested
 * with synthetic timelines. Thread-safe: the network thread reports bytes, the decode thread
 * pictures and audio, anyone asks for a {@link QaReport}. docs/qa-metrics.md defines each figure.
 */
final class QaMeter {
  private final long startNanos;
  private long connectedNanos = -1;
  private long firstByteNanos = -1;
  private long videoBytes;
  private long audioBytes;
  private long firstPictureNanos = -1;
  private long lastPictureNanos = -1;
  private long pictures;
  private long minPts = Long.MAX_VALUE;
  private long maxPts = Long.MIN_VALUE;
  private int width;
  private int height;
  private final Set<String> resolutions = new LinkedHashSet<>();
  private int resolutionChanges;
  private final FreezeCounter freezes = new FreezeCounter();
  private long decoderDropped;
  private long timecodeGaps;
  private long lastTimecodeFrame = -1;
  private long timecodedPictures;
  private final Samples latencyMs = new Samples();
  private long audioBlocks;
  private long audioSamples;
  private int sampleRate;
  private int channels;
  private boolean haveAudioSkew;
  private long lastAudioSkewMicros;
  private final Samples avOffsetMicros = new Samples();
  private String videoCodec;
  private String audioCodec;
  private QaReport.WebRtc webrtc;

  QaMeter(long startNanos) {
    this.startNanos = startNanos;
  }

  synchronized void connected(long nanos) {
    if (connectedNanos < 0) connectedNanos = nanos;
  }

  /** Media payload bytes (tag bodies) as they arrive. */
  synchronized void bytes(long nanos, boolean video, int n) {
    if (firstByteNanos < 0) firstByteNanos = nanos;
    if (video) videoBytes += n;
    else audioBytes += n;
  }

  synchronized void codecs(String video, String audio) {
    if (video != null) videoCodec = video;
    if (audio != null) audioCodec = audio;
  }

  /** Frames the decoder refused or could not decode (each one a picture nobody saw). */
  synchronized void dropped(long n) {
    decoderDropped += n;
  }

  /**
   * A decoded picture shown at nanos.
   *
   * @param timecodeFrame frame number of the burnt-in time code, or -1 when the picture has none
   * @param timecodeWallMillis capture wall-clock ms of the time code
   * @param wallMillisNow wall clock when the picture was shown
   */
  synchronized void picture(long nanos, int w, int h, long ptsMicros, long timecodeFrame, long timecodeWallMillis,
      long wallMillisNow) {
    if (firstPictureNanos < 0) firstPictureNanos = nanos;
    lastPictureNanos = nanos;
    pictures++;
    if (ptsMicros != Long.MIN_VALUE) {
      minPts = Math.min(minPts, ptsMicros);
      maxPts = Math.max(maxPts, ptsMicros);
      if (haveAudioSkew) avOffsetMicros.add(lastAudioSkewMicros - (ptsMicros - nanos / 1000));
    }
    if (w != width || h != height) {
      if (width != 0) resolutionChanges++;
      width = w;
      height = h;
      resolutions.add(w + "x" + h);
    }
    freezes.frame(nanos);
    if (timecodeFrame >= 0) {
      timecodedPictures++;
      latencyMs.add(wallMillisNow - timecodeWallMillis);
      if (lastTimecodeFrame >= 0 && timecodeFrame > lastTimecodeFrame + 1) {
        timecodeGaps += timecodeFrame - lastTimecodeFrame - 1;
      }
      lastTimecodeFrame = timecodeFrame;
    }
  }

  /** A decoded block of audio, out of the decoder at nanos. */
  synchronized void audio(long nanos, long ptsMicros, int samples, int rate, int channelCount) {
    audioBlocks++;
    audioSamples += samples;
    sampleRate = rate;
    channels = channelCount;
    lastAudioSkewMicros = ptsMicros - nanos / 1000;
    haveAudioSkew = true;
  }

  /** A decoded audio block whose stream time is unknown (WebRTC: libwebrtc keeps A/V in sync itself). */
  synchronized void audioBlock(int samples, int rate, int channelCount) {
    audioBlocks++;
    audioSamples += samples;
    sampleRate = rate;
    channels = channelCount;
  }

  /** The latest WebRTC receive figures (replaces the previous ones: libwebrtc's counters are cumulative). */
  synchronized void webrtc(QaReport.WebRtc figures) {
    webrtc = figures;
  }

  /** Media payload counts as libwebrtc reports them (cumulative; replaces what {@link #bytes} summed). */
  synchronized void totalBytes(long nanos, long video, long audio) {
    if (firstByteNanos < 0 && video + audio > 0) firstByteNanos = nanos;
    videoBytes = Math.max(videoBytes, video);
    audioBytes = Math.max(audioBytes, audio);
  }

  synchronized boolean hasPicture() {
    return pictures > 0;
  }

  /** The figures at now. */
  synchronized QaReport report(long now) {
    double seconds = (now - startNanos) / 1e9;
    double mediaSeconds = firstByteNanos < 0 ? 0 : (now - firstByteNanos) / 1e9;
    double fps = pictures > 1 && maxPts > minPts ? (pictures - 1) * 1e6 / (maxPts - minPts) : 0;
    double videoKbps = mediaSeconds > 0 ? videoBytes * 8 / mediaSeconds / 1000 : 0;
    double audioKbps = mediaSeconds > 0 ? audioBytes * 8 / mediaSeconds / 1000 : 0;
    QaReport.Latency latency = latencyMs.isEmpty() ? null
        : new QaReport.Latency(latencyMs.median(), latencyMs.min(), latencyMs.max(), latencyMs.size());
    Double avOffset = avOffsetMicros.isEmpty() ? null : avOffsetMicros.median() / 1000.0;
    List<String> seen = new ArrayList<>(resolutions);
    return new QaReport(
        round(seconds, 3),
        connectedNanos < 0 ? null : round((connectedNanos - startNanos) / 1e6, 1),
        firstPictureNanos < 0 ? null : round((firstPictureNanos - startNanos) / 1e6, 1),
        videoCodec, width, height, seen, resolutionChanges, pictures, round(fps, 2),
        round(videoKbps + audioKbps, 1), round(videoKbps, 1), round(audioKbps, 1),
        freezes.count(now), round(freezes.totalNanos(now) / 1e6, 1), round(freezes.longestNanos(now) / 1e6, 1),
        decoderDropped + timecodeGaps, timecodedPictures, latency,
        audioCodec, sampleRate, channels, audioBlocks, audioSamples,
        avOffset == null ? null : round(avOffset, 1), webrtc);
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
