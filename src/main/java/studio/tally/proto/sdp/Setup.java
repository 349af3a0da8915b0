package studio.tally.proto.sdp;

import java.util.Locale;

/**
 * {@code a=setup} (RFC 4145 §4, RFC 5763 §5): who opens the DTLS connection. An offer says
 * {@code actpass}; the answerer picks {@code active} (DTLS client) or {@code passive} (server).
 */
public enum Setup {
  ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Setup parse(String value) {
    for (Setup s : values()) {
      if (s.token().equals(value)) {
        return s;
      }
    }
    throw new SdpException("a=setup", "expected active, passive, actpass or holdconn, got '" + value + "'");
  }

  public Attribute toAttribute() {
    return new Attribute("setup", token());
  }
}
