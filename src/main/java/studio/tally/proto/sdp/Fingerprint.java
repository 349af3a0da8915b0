package studio.tally.proto.sdp;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code a=fingerprint:<hash-func> <fingerprint>} (RFC 8122 §5): the hash of the DTLS certificate,
 * upper-case hex pairs separated by colons, e.g. {@code sha-256 6B:8B:...:D0}.
 */
public record Fingerprint(String hashFunction, String fingerprint) {
  public Fingerprint {
    SdpText.token(hashFunction, "a=fingerprint hash-func");
    String[] pairs = fingerprint.split(":", -1);
    for (String p : pairs) {
      if (p.length() != 2 || Character.digit(p.charAt(0), 16) < 0 || Character.digit(p.charAt(1), 16) < 0) {
        throw new SdpException("a=fingerprint", "not colon-separated hex pairs: '" + fingerprint + "'");
      }
    }
  }

  /** From raw digest bytes, written as RFC 8122 prefers (upper case). */
  public static Fingerprint of(String hashFunction, byte[] digest) {
    StringBuilder s = new StringBuilder();
    for (byte b : digest) {
      s.append(s.isEmpty() ? "" : ":").append(String.format("%02X", b & 0xFF));
    }
    return new Fingerprint(hashFunction, s.toString());
  }

  /** The digest bytes. */
  public byte[] bytes() {
    return HexFormat.ofDelimiter(":").parseHex(fingerprint.toLowerCase(Locale.ROOT));
  }

  static Fingerprint parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() != 2) {
      throw new SdpException("a=fingerprint", "expected <hash-func> <fingerprint>, got '" + value + "'");
    }
    return new Fingerprint(w.get(0), w.get(1));
  }

  public Attribute toAttribute() {
    return new Attribute("fingerprint", hashFunction + " " + fingerprint);
  }
}
