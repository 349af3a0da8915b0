package studio.tally.server.webrtc.sdp;

import java.util.List;
import studio.tally.proto.sdp.Candidate;

/**
 * One address the server listens on, advertised as a host candidate. TCP candidates are
 * {@code tcptype passive} (RFC 6544 §4.5): the peer connects, RFC 4571 framing follows.
 */
public record CandidateAddress(Transport transport, String address, int port) {
  public enum Transport { UDP, TCP }

  /** Type preference for host candidates (RFC 8445 §5.1.2.2). */
  static final int HOST_TYPE_PREFERENCE = 126;
  /** RFC 6544 §4.2: direction preference of a passive host candidate (active 6, passive 4, so 2). */
  static final int TCP_PASSIVE_DIRECTION_PREFERENCE = 4;

  public CandidateAddress {
    if (address == null || address.isBlank() || address.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("candidate address must be non-empty and without spaces");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("candidate port " + port + " outside 1..65535");
    }
  }

  /**
   * The SDP candidate, {@code index} being its position in the advertised list (foundation
   * {@code index+1}). Priority per RFC 8445 §5.1.2.1 with type preference 126 (host), component 1.
   * Local preference: UDP 65535 − index; TCP per RFC 6544 §4.2, 2^13 × direction-pref (passive 4) +
   * (8191 − index), which keeps every TCP candidate below every UDP one.
   */
  Candidate toCandidate(int index) {
    int local = transport == Transport.UDP ? 65535 - index
        : (TCP_PASSIVE_DIRECTION_PREFERENCE << 13) + (8191 - index);
    long priority = Candidate.priority(HOST_TYPE_PREFERENCE, local, 1);
    return new Candidate(Integer.toString(index + 1), 1, transport == Transport.UDP ? "udp" : "tcp", priority,
        address, port, "host", null, null, transport == Transport.TCP ? "passive" : null, List.of());
  }
}
