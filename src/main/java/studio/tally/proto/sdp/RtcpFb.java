package studio.tally.proto.sdp;

import java.util.List;

/**
 * {@code a=rtcp-fb:<pt|*> <type> [<parameter>]} (RFC 4585 §4.2, RFC 5104 §7.1): feedback a receiver
 * understands, e.g. {@code 96 nack}, {@code 96 nack pli}, {@code 96 ccm fir}, {@code 96 goog-remb},
 * {@code 96 transport-cc}, {@code * nack}.
 *
 * @param payloadType a payload type, or {@code "*"} for all
 * @param parameter   e.g. {@code pli} for {@code nack pli}; null when absent
 */
public record RtcpFb(String payloadType, String type, String parameter) {
  public static final String ALL = "*";

  public RtcpFb {
    if (!ALL.equals(payloadType)) {
      SdpText.integer(payloadType, 127, "a=rtcp-fb payload type");
    }
    SdpText.token(type, "a=rtcp-fb type");
    if (parameter != null && (parameter.isEmpty() || !parameter.equals(parameter.trim()))) {
      throw new SdpException("a=rtcp-fb parameter", "empty or padded with spaces");
    }
  }

  /** Whether this applies to {@code pt}. */
  public boolean appliesTo(int pt) {
    return ALL.equals(payloadType) || Integer.parseInt(payloadType) == pt;
  }

  static RtcpFb parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() < 2) {
      throw new SdpException("a=rtcp-fb", "expected <pt> <type> [<param>], got '" + value + "'");
    }
    String param = w.size() > 2 ? String.join(" ", w.subList(2, w.size())) : null;
    return new RtcpFb(w.get(0), w.get(1), param);
  }

  public Attribute toAttribute() {
    return new Attribute("rtcp-fb", payloadType + " " + type + (parameter == null ? "" : " " + parameter));
  }
}
