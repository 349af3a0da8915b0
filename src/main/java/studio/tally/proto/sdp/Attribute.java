package studio.tally.proto.sdp;

/**
 * An {@code a=} line (RFC 8866 §5.13): {@code a=<name>} (a flag, value null) or
 * {@code a=<name>:<value>}. Attributes are kept in order and verbatim, so unknown ones round-trip.
 */
public record Attribute(String name, String value) {
  public Attribute {
    if (name == null || !SdpText.isToken(name)) {
      throw new IllegalArgumentException("attribute name is not a token: " + name);
    }
    if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
      throw new IllegalArgumentException("attribute value contains CR, LF or NUL");
    }
  }

  /** A flag attribute such as {@code rtcp-mux}. */
  public static Attribute flag(String name) {
    return new Attribute(name, null);
  }

  /** Parses what follows {@code a=}. */
  static Attribute parse(String text) {
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    if (!SdpText.isToken(name)) {
      throw new SdpException("a= name", "not a token: '" + name + "'");
    }
    return new Attribute(name, colon < 0 ? null : text.substring(colon + 1));
  }

  /** {@code name} or {@code name:value}, as after {@code a=}. */
  @Override
  public String toString() {
    return value == null ? name : name + ":" + value;
  }
}
