package studio.tally.rtc;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.Map;

/**
 * A receiver's figures from libwebrtc's getStats (webrtc-stats names in brackets): video and audio
 * {@code inbound-rtp}, the selected candidate pair and the video codec. Counters are cumulative since the
 * connection started; -1 marks a figure libwebrtc has not reported (yet).
 *
 * @param videoPacketsReceived [packetsReceived] of the video stream
 * @param videoPacketsLost [packetsLost] of the video stream (RTP sequence gaps not recovered)
 * @param videoJitterMs [jitter] interarrival jitter of the video stream, ms
 * @param framesReceived [framesReceived] complete frames out of the jitter buffer's assembler
 * @param framesDecoded [framesDecoded]
 * @param framesDropped [framesDropped] frames dropped before decoding
 * @param nackCount [nackCount] NACK packets we sent
 * @param pliCount [pliCount] PLI packets we sent
 * @param firCount [firCount] FIR packets we sent
 * @param freezeCount [freezeCount] libwebrtc's own freeze count of the rendered video
 * @param totalFreezesMs [totalFreezesDuration], ms
 * @param jitterBufferMs [jitterBufferDelay / jitterBufferEmittedCount] mean wait in the jitter buffer, ms
 * @param framesPerSecond [framesPerSecond] decoded in the last second, as libwebrtc counts it
 * @param audioPacketsReceived [packetsReceived] of the audio stream
 * @param audioPacketsLost [packetsLost] of the audio stream
 * @param audioJitterMs [jitter] of the audio stream, ms
 * @param audioBytes [bytesReceived] of the audio stream
 * @param videoBytes [bytesReceived] of the video stream
 * @param concealedSamples [concealedSamples] audio samples the decoder had to invent (loss concealment)
 * @param codec the video codec's MIME type (video/H264), or ""
 * @param transport local candidate protocol of the selected pair (udp or tcp), or ""
 * @param roundTripMs [currentRoundTripTime] of the selected pair, ms
 */
public record RtcReceiveStats(long videoPacketsReceived, long videoPacketsLost, double videoJitterMs,
    long framesReceived, long framesDecoded, long framesDropped, long nackCount, long pliCount, long firCount,
    long freezeCount, double totalFreezesMs, double jitterBufferMs, double framesPerSecond,
    long audioPacketsReceived, long audioPacketsLost, double audioJitterMs, long audioBytes, long videoBytes,
    long concealedSamples, String codec, String transport, double roundTripMs) {

  static RtcReceiveStats of(RTCStatsReport report) {
    Map<String, RTCStats> all = report.getStats();
    Map<String, Object> video = null;
    Map<String, Object> audio = null;
    Map<String, Object> pair = null;
    for (RTCStats s : all.values()) {
      Map<String, Object> a = s.getAttributes();
      if (s.getType() == RTCStatsType.INBOUND_RTP) {
        if ("video".equals(a.get("kind"))) video = a;
        else if ("audio".equals(a.get("kind"))) audio = a;
      } else if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated"))
          && (pair == null || "succeeded".equals(a.get("state")))) {
        pair = a;
      }
    }
    Map<String, Object> v = video == null ? Map.of() : video;
    Map<String, Object> au = audio == null ? Map.of() : audio;
    String codec = "";
    if (v.get("codecId") instanceof String id && all.get(id) != null
        && all.get(id).getAttributes().get("mimeType") instanceof String m) {
      codec = m;
    }
    String transport = "";
    double rtt = -1;
    if (pair != null) {
      if (pair.get("localCandidateId") instanceof String l && all.get(l) != null
          && all.get(l).getAttributes().get("protocol") instanceof String p) {
        transport = p;
      }
      if (pair.get("currentRoundTripTime") instanceof Number r) rtt = r.doubleValue() * 1000;
    }
    long emitted = num(v, "jitterBufferEmittedCount");
    double jb = emitted > 0 ? real(v, "jitterBufferDelay") * 1000 / emitted : -1;
    return new RtcReceiveStats(num(v, "packetsReceived"), num(v, "packetsLost"), ms(v, "jitter"),
        num(v, "framesReceived"), num(v, "framesDecoded"), num(v, "framesDropped"), num(v, "nackCount"),
        num(v, "pliCount"), num(v, "firCount"), num(v, "freezeCount"), ms(v, "totalFreezesDuration"), jb,
        v.get("framesPerSecond") instanceof Number f ? f.doubleValue() : -1,
        num(au, "packetsReceived"), num(au, "packetsLost"), ms(au, "jitter"), num(au, "bytesReceived"),
        num(v, "bytesReceived"), num(au, "concealedSamples"), codec, transport, rtt);
  }

  private static long num(Map<String, Object> a, String key) {
    return a.get(key) instanceof Number n ? n.longValue() : -1;
  }

  private static double real(Map<String, Object> a, String key) {
    return a.get(key) instanceof Number n ? n.doubleValue() : 0;
  }

  private static double ms(Map<String, Object> a, String key) {
    return a.get(key) instanceof Number n ? n.doubleValue() * 1000 : -1;
  }
}
