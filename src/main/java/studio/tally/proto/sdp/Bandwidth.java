package studio.tally.proto.sdp;

/** {@code b=<bwtype>:<bandwidth>} (RFC 8866 §5.8): AS in kbit/s, TIAS (RFC 3890) in bit/s. */
public record Bandwidth(String type, long value) {
  public Bandwidth {
    SdpText.token(type, "b= bwtype");
    if (value < 0) {
      throw new SdpException("b= bandwidth", "negative: " + value);
    }
  }

  static Bandwidth parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new SdpException("b=", "expected <bwtype>:<bandwidth>, got '" + text + "'");
    }
    return new Bandwidth(SdpText.token(text.substring(0, colon), "b= bwtype"),
        SdpText.number(text.substring(colon + 1), Long.MAX_VALUE, "b= bandwidth"));
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
