package studio.tally.server.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;

/** {@code --rtc-protocol udp|tcp|all}: which transports the server advertises as candidates. */
public enum RtcProtocol {
  UDP, TCP, ALL;

  /** Parses {@code udp}, {@code tcp} or {@code all} (any case). */
  public static RtcProtocol parse(String s) {
    return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "udp" -> UDP;
      case "tcp" -> TCP;
      case "all" -> ALL;
      default -> throw new IllegalArgumentException("rtc protocol must be udp, tcp or all, got '" + s + "'");
    };
  }

  /**
   * The candidates for {@code --candidate} addresses: per address a UDP one then a TCP one, as this
   * protocol allows. UDP comes first so that, with equal reachability, it is also the one the
   * controlling peer tries first.
   */
  public List<CandidateAddress> candidates(List<String> addresses, int udpPort, int tcpPort) {
    List<CandidateAddress> out = new ArrayList<>();
    for (String a : addresses) {
      if (this != TCP) {
        out.add(new CandidateAddress(CandidateAddress.Transport.UDP, a, udpPort));
      }
      if (this != UDP) {
        out.add(new CandidateAddress(CandidateAddress.Transport.TCP, a, tcpPort));
      }
    }
    return List.copyOf(out);
  }
}
