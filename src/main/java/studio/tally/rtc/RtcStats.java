package studio.tally.rtc;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.Map;

/**
 * The figures a player or publisher reports, summed over its video RTP streams (from libwebrtc's
 * {@code inbound-rtp} / {@code outbound-rtp} stats; audioPackets counts the audio streams). Counters a
 * direction does not have are 0.
 *
 * @param codec the negotiated video codec's MIME type (e.g. video/H264), or "" before negotiation
 * @param transport protocol of the selected candidate pair's local candidate (udp or tcp), or ""
 * @param roundTripMillis current ICE round-trip time of the selected candidate pair, or -1 if unknown
 * @param jitterBufferMillis receiver: mean time a video frame waited in the jitter buffer (incl. A/V sync), or -1
 * @param candidateType the selected pair's local candidate type (host, srflx, prflx, relay), or ""
 * @param audioJitterBufferMillis receiver: mean time an audio sample waited in the jitter buffer (NetEq,
 *     incl. the delay A/V sync adds), or -1
 * @param audioTargetDelayMillis receiver: the mean of NetEq's target for that wait, or -1 (a buffer that
 *     holds far more than its target got a burst it time-compresses away slowly)
 * @param audioAcceleratedSamples receiver: samples NetEq removed by time-compression to shrink its buffer
 */
public record RtcStats(long packets, long bytes, long packetsLost, long framesDecoded, long framesEncoded,
    long framesDropped, long nacks, long plis, long audioPackets, String codec, String transport, double roundTripMillis, double jitterBufferMillis,
    String candidateType, double audioJitterBufferMillis, double audioTargetDelayMillis, long audioAcceleratedSamples) {

  /** These figures with {@code earlier} frames encoded on connections this call had before this one. */
  RtcStats plusEncodedEarlier(long earlier) {
    return earlier == 0 ? this : new RtcStats(packets, bytes, packetsLost, framesDecoded, framesEncoded + earlier, framesDropped,
        nacks, plis, audioPackets, codec, transport, roundTripMillis, jitterBufferMillis, candidateType, audioJitterBufferMillis,
        audioTargetDelayMillis, audioAcceleratedSamples);
  }

  static RtcStats of(RTCStatsReport report) {
    long packets = 0, bytes = 0, lost = 0, decoded = 0, encoded = 0, dropped = 0, nacks = 0, plis = 0, audio = 0;
    String codecId = null;
    double rtt = -1;
    String localCandidate = null;
    double jbDelay = 0;
    long jbEmitted = 0;
    double audioJbDelay = 0;
    double audioJbTarget = 0;
    long audioJbEmitted = 0;
    long audioAccelerated = 0;
    Map<String, RTCStats> all = report.getStats();
    for (RTCStats s : all.values()) {
      Map<String, Object> a = s.getAttributes();
      boolean video = "video".equals(a.get("kind"));
      if ("audio".equals(a.get("kind"))) {
        audio += num(a, s.getType() == RTCStatsType.INBOUND_RTP ? "packetsReceived" : "packetsSent");
        if (s.getType() == RTCStatsType.INBOUND_RTP) {
          if (a.get("jitterBufferDelay") instanceof Number d) audioJbDelay += d.doubleValue();
          if (a.get("jitterBufferTargetDelay") instanceof Number d) audioJbTarget += d.doubleValue();
          audioJbEmitted += num(a, "jitterBufferEmittedCount");
          audioAccelerated += num(a, "removedSamplesForAcceleration");
        }
      }
      if (s.getType() == RTCStatsType.INBOUND_RTP && video) {
        packets += num(a, "packetsReceived");
        bytes += num(a, "bytesReceived");
        lost += num(a, "packetsLost");
        decoded += num(a, "framesDecoded");
        dropped += num(a, "framesDropped");
        nacks += num(a, "nackCount");
        plis += num(a, "pliCount");
        if (a.get("codecId") instanceof String c) codecId = c;
        if (a.get("jitterBufferDelay") instanceof Number d) jbDelay += d.doubleValue();
        jbEmitted += num(a, "jitterBufferEmittedCount");
      } else if (s.getType() == RTCStatsType.OUTBOUND_RTP && video) {
        packets += num(a, "packetsSent");
        bytes += num(a, "bytesSent");
        encoded += num(a, "framesEncoded");
        nacks += num(a, "nackCount");
        plis += num(a, "pliCount");
        if (a.get("codecId") instanceof String c) codecId = c;
      } else if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated"))
          && a.get("currentRoundTripTime") instanceof Number r) {
        rtt = r.doubleValue() * 1000;
        if (a.get("localCandidateId") instanceof String l) localCandidate = l;
      }
    }
    String codec = "";
    if (codecId != null && all.get(codecId) != null && all.get(codecId).getAttributes().get("mimeType") instanceof String m) {
      codec = m;
    }
    String transport = "";
    String candidateType = "";
    if (localCandidate != null && all.get(localCandidate) != null) {
      Map<String, Object> local = all.get(localCandidate).getAttributes();
      if (local.get("protocol") instanceof String p) transport = p;
      if (local.get("candidateType") != null) candidateType = String.valueOf(local.get("candidateType"));
    }
    return new RtcStats(packets, bytes, lost, decoded, encoded, dropped, nacks, plis, audio, codec, transport, rtt,
        jbEmitted == 0 ? -1 : jbDelay * 1000 / jbEmitted, candidateType,
        audioJbEmitted == 0 ? -1 : audioJbDelay * 1000 / audioJbEmitted,
        audioJbEmitted == 0 ? -1 : audioJbTarget * 1000 / audioJbEmitted, audioAccelerated);
  }

  private static long num(Map<String, Object> a, String key) {
    return a.get(key) instanceof Number n ? n.longValue() : 0;
  }
}
