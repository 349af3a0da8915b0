package studio.tally.proto.sdp;

import java.util.List;

/**
 * {@code c=<nettype> <addrtype> <connection-address>} (RFC 8866 §5.7). WebRTC writes
 * {@code c=IN IP4 0.0.0.0} and carries real addresses in candidates. The address is kept as text
 * (it may carry {@code /ttl} or be a host name).
 */
public record Connection(String netType, String addrType, String address) {
  public Connection {
    for (String s : List.of(netType, addrType, address)) {
      if (s.isEmpty() || SdpText.words(s).size() != 1 || !s.equals(SdpText.words(s).get(0))) {
        throw new SdpException("c=", "field '" + s + "' is empty or contains spaces");
      }
    }
  }

  public static Connection ip4(String address) {
    return new Connection("IN", "IP4", address);
  }

  static Connection parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() != 3) {
      throw new SdpException("c=", "expected 3 fields, got " + w.size());
    }
    return new Connection(w.get(0), w.get(1), w.get(2));
  }

  @Override
  public String toString() {
    return netType + " " + addrType + " " + address;
  }
}
