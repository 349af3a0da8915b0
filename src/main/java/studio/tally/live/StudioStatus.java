package studio.tally.live;

import java.util.List;

/**
 * A snapshot of the studio for the status bar; cheap to make, immutable.
 *
 * @param streaming streaming is on (destinations may still be connecting)
 * @param liveMillis time since streaming started, 0 when not streaming
 * @param recordingMillis time since recording started, 0 when not recording
 * @param bitrateKbps encoded bitrate (video + audio) over the last seconds, 0 when not encoding
 * @param fps encoded frames per second, 0 when not encoding
 * @param droppedFrames frames the scene or the encoder dropped since encoding started
 * @param cpuPercent this process's CPU use, percent of one core (200 = two cores busy)
 * @param memoryBytes JVM heap in use plus native memory the media layer reports (RSS where known)
 * @param encoder the encoder in use, or the one "auto" will pick; null before the first encode
 * @param encoderFallback why the preferred encoder was not used ("encoder X failed: ...; using Y"), or null
 */
public record StudioStatus(boolean streaming, boolean recording, long liveMillis, long recordingMillis,
    double bitrateKbps, double fps, long droppedFrames, double cpuPercent, long memoryBytes, String encoder,
    String encoderFallback, List<DestinationStatus> destinations, RecordingStatus recordingStatus, ServerStatus server,
    List<SourceStatus> sources) {

  public StudioStatus {
    destinations = List.copyOf(destinations);
    sources = List.copyOf(sources);
  }

  /** Live time as H:MM:SS. */
  public String liveTime() {
    long s = liveMillis / 1000;
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
