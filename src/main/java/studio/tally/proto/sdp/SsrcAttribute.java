package studio.tally.proto.sdp;

/**
 * {@code a=ssrc:<ssrc-id> <attribute>[:<value>]} (RFC 5576 §4.1), e.g. {@code 1234 cname:abc} or
 * {@code 1234 msid:stream track}.
 *
 * @param value null for a flag attribute
 */
public record SsrcAttribute(long ssrc, String attribute, String value) {
  public SsrcAttribute {
    if (ssrc < 0 || ssrc > 0xFFFFFFFFL) {
      throw new SdpException("a=ssrc id", ssrc + " outside 32 bits");
    }
    SdpText.token(attribute, "a=ssrc attribute");
  }

  static SsrcAttribute parse(String value) {
    int space = value.indexOf(' ');
    long ssrc = SdpText.number(space < 0 ? value : value.substring(0, space), 0xFFFFFFFFL, "a=ssrc id");
    if (space < 0) {
      throw new SdpException("a=ssrc", "expected <ssrc-id> <attribute>[:<value>], got '" + value + "'");
    }
    Attribute a = Attribute.parse(value.substring(space + 1));
    return new SsrcAttribute(ssrc, a.name(), a.value());
  }

  public Attribute toAttribute() {
    return new Attribute("ssrc", ssrc + " " + attribute + (value == null ? "" : ":" + value));
  }
}
