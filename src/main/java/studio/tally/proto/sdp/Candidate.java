package studio.tally.proto.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ICE candidate, {@code a=candidate:...} (RFC 8839 §5.1; tcptype from RFC 6544 §4.5):
 *
 * <pre>
 * candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                       connection-address SP port SP "typ" SP cand-type
 *                       [SP "raddr" SP connection-address] [SP "rport" SP port]
 *                       *(SP extension-att-name SP extension-att-value)
 * e.g. candidate:1 1 udp 2130706431 127.0.0.1 8000 typ host
 *      candidate:2 1 tcp 2130706431 127.0.0.1 8080 typ host tcptype passive
 * </pre>
 * The address is kept as text: it may be an IPv4/IPv6 literal or an mDNS name ({@code <uuid>.local}).
 * Unknown extensions (libwebrtc's {@code generation}, {@code ufrag}, {@code network-id},
 * {@code network-cost}) are kept in order and written after raddr/rport/tcptype.
 *
 * @param type         host, srflx, prflx or relay
 * @param relatedPort  null when absent
 * @param tcpType      active, passive or so; null for UDP
 */
public record Candidate(String foundation, int component, String transport, long priority, String address,
    int port, String type, String relatedAddress, Integer relatedPort, String tcpType, List<Extension> extensions) {

  /** One {@code name value} pair after the fixed fields. */
  public record Extension(String name, String value) {
    public Extension {
      single(name, "a=candidate extension name");
      single(value, "a=candidate extension value");
    }
  }

  public Candidate {
    single(foundation, "a=candidate foundation");
    if (foundation.length() > 32) {
      throw new SdpException("a=candidate foundation", "longer than 32 characters");
    }
    if (component < 1 || component > 256) {
      throw new SdpException("a=candidate component-id", component + " outside 1..256");
    }
    SdpText.token(transport, "a=candidate transport");
    if (priority < 0 || priority > 0xFFFFFFFFL) {
      throw new SdpException("a=candidate priority", priority + " outside 0..2^32-1");
    }
    single(address, "a=candidate connection-address");
    checkPort(port, "a=candidate port");
    SdpText.token(type, "a=candidate cand-type");
    if (relatedAddress != null) {
      single(relatedAddress, "a=candidate raddr");
    }
    if (relatedPort != null) {
      checkPort(relatedPort, "a=candidate rport");
    }
    if (tcpType != null) {
      SdpText.token(tcpType, "a=candidate tcptype");
    }
    extensions = List.copyOf(extensions);
  }

  /** A host candidate (RFC 8445 §5.1.2 priority for type preference 126, local preference 65535). */
  public static Candidate host(String foundation, int component, String transport, String address, int port) {
    boolean tcp = transport.equalsIgnoreCase("tcp");
    return new Candidate(foundation, component, transport, priority(126, 65535, component), address, port,
        "host", null, null, tcp ? "passive" : null, List.of());
  }

  /** RFC 8445 §5.1.2.1: 2^24 type preference + 2^8 local preference + (256 - component). */
  public static long priority(int typePreference, int localPreference, int component) {
    return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - component);
  }

  public boolean isUdp() {
    return transport.equalsIgnoreCase("udp");
  }

  public boolean isTcp() {
    return transport.equalsIgnoreCase("tcp");
  }

  /** Parses the attribute value; a leading {@code candidate:} (as in trickle JSON) is accepted too. */
  public static Candidate parse(String value) {
    String v = value.startsWith("candidate:") ? value.substring("candidate:".length()) : value;
    List<String> w = SdpText.words(v);
    if (w.size() < 8 || !w.get(6).equals("typ")) {
      throw new SdpException("a=candidate", "expected <foundation> <component> <transport> <priority> <address> "
          + "<port> typ <type>, got '" + value + "'");
    }
    int component = SdpText.integer(w.get(1), 256, "a=candidate component-id");
    long priority = SdpText.number(w.get(3), 0xFFFFFFFFL, "a=candidate priority");
    int port = SdpText.integer(w.get(5), 65535, "a=candidate port");
    String raddr = null;
    Integer rport = null;
    String tcpType = null;
    List<Extension> ext = new ArrayList<>();
    for (int i = 8; i < w.size(); i += 2) {
      if (i + 1 >= w.size()) {
        throw new SdpException("a=candidate extension", "'" + w.get(i) + "' has no value");
      }
      String name = w.get(i);
      String val = w.get(i + 1);
      if (name.equals("raddr") && raddr == null && ext.isEmpty() && tcpType == null) {
        raddr = val;
      } else if (name.equals("rport") && rport == null && ext.isEmpty() && tcpType == null) {
        rport = SdpText.integer(val, 65535, "a=candidate rport");
      } else if (name.equals("tcptype") && tcpType == null && ext.isEmpty()) {
        tcpType = val;
      } else {
        ext.add(new Extension(name, val));
      }
    }
    return new Candidate(w.get(0), component, w.get(2), priority, w.get(4), port, w.get(7), raddr, rport, tcpType, ext);
  }

  /** The attribute value, without {@code candidate:}. */
  public String value() {
    StringBuilder s = new StringBuilder();
    s.append(foundation).append(' ').append(component).append(' ').append(transport).append(' ').append(priority)
        .append(' ').append(address).append(' ').append(port).append(" typ ").append(type);
    if (relatedAddress != null) {
      s.append(" raddr ").append(relatedAddress);
    }
    if (relatedPort != null) {
      s.append(" rport ").append(relatedPort);
    }
    if (tcpType != null) {
      s.append(" tcptype ").append(tcpType);
    }
    for (Extension e : extensions) {
      s.append(' ').append(e.name()).append(' ').append(e.value());
    }
    return s.toString();
  }

  /** {@code a=candidate:<value>}; its {@code toString()} is {@code candidate:1 1 udp ...}. */
  public Attribute toAttribute() {
    return new Attribute("candidate", value());
  }

  /** The transport in lower case, as most stacks compare it. */
  public String transportLowerCase() {
    return transport.toLowerCase(Locale.ROOT);
  }

  private static void single(String s, String field) {
    if (s == null || s.isEmpty() || SdpText.words(s).size() != 1 || !s.equals(SdpText.words(s).get(0))) {
      throw new SdpException(field, "empty or contains spaces: '" + s + "'");
    }
  }

  private static void checkPort(int port, String field) {
    if (port < 0 || port > 65535) {
      throw new SdpException(field, port + " outside 0..65535");
    }
  }
}
