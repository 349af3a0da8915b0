package studio.tally.proto.sdp;

import java.util.Set;

/** Checks, at parse time, that attributes with a known grammar follow it. */
final class SdpAttributes {
  private SdpAttributes() {}

  /**
   * Returns {@code a} if well-formed.
   *
   * @param mids mids seen so far; a repeated mid is an error (RFC 8843 §7.1 needs them unique)
   */
  static Attribute check(Attribute a, Set<String> mids) {
    String v = a.value();
    switch (a.name()) {
      case "rtpmap" -> RtpMap.parse(need(a));
      case "fmtp" -> Fmtp.parse(need(a));
      case "rtcp-fb" -> RtcpFb.parse(need(a));
      case "extmap" -> ExtMap.parse(need(a));
      case "ssrc" -> SsrcAttribute.parse(need(a));
      case "ssrc-group" -> SsrcGroup.parse(need(a));
      case "msid" -> Msid.parse(need(a));
      case "group" -> Group.parse(need(a));
      case "candidate" -> Candidate.parse(need(a));
      case "fingerprint" -> Fingerprint.parse(need(a));
      case "setup" -> Setup.parse(need(a));
      case "sctp-port" -> SdpText.integer(need(a), 65535, "a=sctp-port");
      case "ice-ufrag", "ice-pwd" -> {
        if (need(a).isEmpty() || SdpText.words(v).size() != 1 || !v.equals(SdpText.words(v).get(0))) {
          throw new SdpException("a=" + a.name(), "empty or contains spaces");
        }
      }
      case "mid" -> {
        SdpText.token(need(a), "a=mid");
        if (!mids.add(v)) {
          throw new SdpException("a=mid", "duplicate mid '" + v + "'");
        }
      }
      default -> { }
    }
    return a;
  }

  private static String need(Attribute a) {
    if (a.value() == null) {
      throw new SdpException("a=" + a.name(), "value missing");
    }
    return a.value();
  }
}
