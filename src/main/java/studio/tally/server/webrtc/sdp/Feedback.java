package studio.tally.server.webrtc.sdp;

import java.util.Objects;
import java.util.Optional;
import studio.tally.proto.sdp.RtcpFb;

/**
 * The RTCP feedback the SFU implements (RFC 4585, RFC 5104, draft-alvestrand-rmcat-remb,
 * draft-holmer-rmcat-transport-wide-cc-extensions). Anything else an offer lists is left out of the
 * answer, so the peer never waits for feedback we do not send.
 */
public enum Feedback {
  NACK("nack", null),
  NACK_PLI("nack", "pli"),
  CCM_FIR("ccm", "fir"),
  GOOG_REMB("goog-remb", null),
  TRANSPORT_CC("transport-cc", null);

  private final String type;
  private final String parameter;

  Feedback(String type, String parameter) {
    this.type = type;
    this.parameter = parameter;
  }

  /** The feedback an {@code a=rtcp-fb} line names, if we implement it. */
  public static Optional<Feedback> of(RtcpFb fb) {
    for (Feedback f : values()) {
      if (f.type.equals(fb.type()) && Objects.equals(f.parameter, fb.parameter())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** {@code a=rtcp-fb:<pt> <type> [<parameter>]}. */
  public RtcpFb toRtcpFb(int payloadType) {
    return new RtcpFb(Integer.toString(payloadType), type, parameter);
  }
}
