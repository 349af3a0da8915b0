package studio.tally.play;

import java.util.List;

/**
 * The QA figures of one player at one moment. Field names are the JSON names (snake_case in
 * {@link #toJson}); docs/qa-metrics.md defines each. Nullable figures are null when they could not
 * be measured (no picture yet, no time code in the stream, no audio).
 *
 * @param durationS seconds since the player started connecting
 * @param connectMs until the transport was ready (TCP + TLS + RTMP handshake/play or HTTP response)
 * @param timeToFirstFrameMs from the start of connecting to the first decoded picture
 * @param fps decoded pictures per second of stream time
 * @param bitrateKbps media payload (audio + video), kbit/s since the first media byte
 * @param freezeCount freezes (WebRTC rule), a stall still going at the end included
 * @param droppedFrames pictures lost: refused by the decoder plus gaps in the time code's frame numbers
 * @param timecodedFrames pictures whose time code was read
 * @param latency glass-to-glass ms from the time code, or null without one
 * @param avOffsetMs median of (audio arrival lead) − (video arrival lead), ms; null without both
 * @param webrtc libwebrtc's receive figures for WHEP / webrtc:// streams, else null
 */
public record QaReport(
    double durationS,
    Double connectMs,
    Double timeToFirstFrameMs,
    String videoCodec,
    int width,
    int height,
    List<String> resolutions,
    int resolutionChanges,
    long frames,
    double fps,
    double bitrateKbps,
    double videoKbps,
    double audioKbps,
    int freezeCount,
    double totalFreezeMs,
    double longestFreezeMs,
    long droppedFrames,
    long timecodedFrames,
    Latency latency,
    String audioCodec,
    int sampleRate,
    int channels,
    long audioFrames,
    long audioSamples,
    Double avOffsetMs,
    WebRtc webrtc) {

  /** Without WebRTC figures (HTTP-FLV, RTMP). */
  public QaReport(double durationS, Double connectMs, Double timeToFirstFrameMs, String videoCodec, int width, int height,
      List<String> resolutions, int resolutionChanges, long frames, double fps, double bitrateKbps, double videoKbps,
      double audioKbps, int freezeCount, double totalFreezeMs, double longestFreezeMs, long droppedFrames,
      long timecodedFrames, Latency latency, String audioCodec, int sampleRate, int channels, long audioFrames,
      long audioSamples, Double avOffsetMs) {
    this(durationS, connectMs, timeToFirstFrameMs, videoCodec, width, height, resolutions, resolutionChanges, frames, fps,
        bitrateKbps, videoKbps, audioKbps, freezeCount, totalFreezeMs, longestFreezeMs, droppedFrames, timecodedFrames,
        latency, audioCodec, sampleRate, channels, audioFrames, audioSamples, avOffsetMs, null);
  }

  /**
   * What libwebrtc's getStats says about a WHEP / webrtc:// stream (webrtc-stats names in
   * docs/qa-metrics.md); null for HTTP-FLV and RTMP. Cumulative since connecting; -1 where libwebrtc
   * gave no figure.
   */
  public record WebRtc(String transport, double rttMs, double jitterMs, double audioJitterMs, long packetsReceived,
      long packetsLost, double packetLossPct, long nackCount, long pliCount, long firCount, double jitterBufferMs,
      long libwebrtcFreezeCount, double libwebrtcFreezeMs, double libwebrtcFps, long framesDroppedBeforeDecode,
      long concealedSamples) {}

  /** Glass-to-glass latency over the pictures that carried a time code, ms. */
  public record Latency(double medianMs, long minMs, long maxMs, int samples) {}

  public QaReport {
    resolutions = List.copyOf(resolutions);
  }
}
