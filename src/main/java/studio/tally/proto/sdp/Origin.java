package studio.tally.proto.sdp;

import java.util.List;

/**
 * {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>} (RFC 8866 §5.2).
 * JSEP (RFC 9429 §5.2.1) uses username "-", a random 63-bit sess-id and a version that grows by one
 * per new description. sess-id and sess-version are kept as digit strings (they may exceed 63 bits).
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
    String address) {
  public Origin {
    digits(sessionId, "o= sess-id");
    digits(sessionVersion, "o= sess-version");
    for (String s : List.of(username, netType, addrType, address)) {
      if (s.isEmpty() || SdpText.words(s).size() != 1 || !s.equals(SdpText.words(s).get(0))) {
        throw new SdpException("o=", "field '" + s + "' is empty or contains spaces");
      }
    }
  }

  private static void digits(String s, String field) {
    if (s.isEmpty() || s.length() > 40 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new SdpException(field, "not a number: '" + s + "'");
    }
  }

  static Origin parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() != 6) {
      throw new SdpException("o=", "expected 6 fields, got " + w.size());
    }
    return new Origin(w.get(0), w.get(1), w.get(2), w.get(3), w.get(4), w.get(5));
  }

  @Override
  public String toString() {
    return String.join(" ", username, sessionId, sessionVersion, netType, addrType, address);
  }
}
