package studio.tally.server.webrtc.sfu;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * Which SSRCs a publisher may send: those its offer announced ({@code a=ssrc}, FID groups' RTX);
 * when it announced none, the first SSRC seen for each payload type. Anything else is RTP nobody
 * negotiated — dropped and counted by the caller. Used on the publisher's event loop only.
 */
final class PublisherSsrcs {
  private final Set<Integer> announced = new HashSet<>();
  private final Map<Integer, Integer> latched = new HashMap<>();

  PublisherSsrcs(Negotiated negotiated) {
    for (Negotiated.Media m : negotiated.media()) {
      for (Negotiated.RemoteSsrc s : m.remoteSsrcs()) {
        announced.add((int) s.ssrc());
        if (s.rtxSsrc() != null) {
          announced.add((int) (long) s.rtxSsrc());
        }
      }
    }
  }

  /** Whether {@code p} comes from an SSRC of this publisher. */
  boolean accept(RtpPacket p) {
    if (!announced.isEmpty()) {
      return announced.contains(p.ssrc());
    }
    return latched.computeIfAbsent(p.payloadType(), pt -> p.ssrc()) == p.ssrc();
  }
}
