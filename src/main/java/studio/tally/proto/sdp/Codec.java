package studio.tally.proto.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One payload type of an RTP media section with everything negotiation needs: rtpmap, fmtp
 * parameters, rtcp-fb (including {@code *} entries) and the RTX payload type whose
 * {@code a=fmtp:<rtx> apt=<pt>} points at it (RFC 4588 §8.6).
 *
 * @param channels 1 when the rtpmap has no channel count
 * @param rtxPayloadType null when there is no RTX for this codec
 */
public record Codec(int payloadType, String name, int clockRate, int channels, Map<String, String> parameters,
    List<RtcpFb> feedback, Integer rtxPayloadType) {

  public Codec {
    parameters = Map.copyOf(parameters);
    feedback = List.copyOf(feedback);
  }

  /** Static payload types of RFC 3551 §6 that WebRTC peers may list without an rtpmap. */
  private static RtpMap staticPayload(int pt) {
    return switch (pt) {
      case 0 -> new RtpMap(0, "PCMU", 8000, 1);
      case 8 -> new RtpMap(8, "PCMA", 8000, 1);
      case 9 -> new RtpMap(9, "G722", 8000, 1);
      case 13 -> new RtpMap(13, "CN", 8000, 1);
      default -> null;
    };
  }

  /**
   * The codecs of {@code m} in m= line order. RTX payload types are folded into the codec they
   * repair ({@link #rtxPayloadType()}) and not listed themselves; payload types with neither an
   * rtpmap nor a static assignment are skipped. Non-RTP sections have no codecs.
   */
  public static List<Codec> of(MediaDescription m) {
    List<RtpMap> maps = m.rtpMaps();
    List<Fmtp> fmtps = m.fmtps();
    List<RtcpFb> fbs = m.rtcpFbs();
    List<Codec> out = new ArrayList<>();
    for (int pt : m.payloadTypes()) {
      RtpMap map = maps.stream().filter(r -> r.payloadType() == pt).findFirst().orElse(staticPayload(pt));
      if (map == null || map.encoding().equalsIgnoreCase("rtx")) {
        continue;
      }
      Map<String, String> params = fmtp(fmtps, pt);
      List<RtcpFb> feedback = fbs.stream().filter(f -> f.appliesTo(pt)).toList();
      Integer rtx = null;
      for (RtpMap r : maps) {
        if (r.encoding().equalsIgnoreCase("rtx") && Integer.toString(pt).equals(fmtp(fmtps, r.payloadType()).get("apt"))
            && m.payloadTypes().contains(r.payloadType())) {
          rtx = r.payloadType();
          break;
        }
      }
      out.add(new Codec(pt, map.encoding(), map.clockRate(), map.channels() == null ? 1 : map.channels(), params,
          feedback, rtx));
    }
    return out;
  }

  private static Map<String, String> fmtp(List<Fmtp> fmtps, int pt) {
    return fmtps.stream().filter(f -> f.payloadType() == pt).findFirst().map(Fmtp::parameters).orElse(Map.of());
  }

  /** Same encoding name (case-insensitive), clock rate and channels. */
  public boolean sameFormat(Codec other) {
    return name.equalsIgnoreCase(other.name) && clockRate == other.clockRate && channels == other.channels;
  }

  /**
   * Whether {@code other} can be answered with this codec: same format and, for H.264, matching
   * profile and packetization mode ({@link H264Profiles#matches}).
   */
  public boolean matches(Codec other) {
    if (!sameFormat(other)) {
      return false;
    }
    return !name.equalsIgnoreCase("H264") || H264Profiles.matches(parameters, other.parameters);
  }

  public boolean hasFeedback(String type, String parameter) {
    return feedback.stream().anyMatch(f -> f.type().equals(type) && java.util.Objects.equals(f.parameter(), parameter));
  }
}
