package studio.tally.proto.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code a=fmtp:<format> <format specific parameters>} (RFC 8866 §6.15). Codecs used with WebRTC write
 * {@code key=value} pairs separated by {@code ;}: H.264 {@code profile-level-id=42e01f;packetization-mode=1;
 * level-asymmetry-allowed=1} (RFC 6184 §8.1), RTX {@code apt=96} (RFC 4588 §8), Opus
 * {@code minptime=10;useinbandfec=1}. RED writes {@code 111/111}, which {@link #parameters()} maps to
 * a key with an empty value.
 */
public record Fmtp(int payloadType, String parameterText) {
  public Fmtp {
    if (payloadType < 0 || payloadType > 127) {
      throw new SdpException("a=fmtp format", payloadType + " outside 0..127");
    }
  }

  /** Keys and values in order; keys are compared as written (RFC 6184 keys are lower case). */
  public Map<String, String> parameters() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String part : parameterText.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      map.putIfAbsent(eq < 0 ? p : p.substring(0, eq).trim(), eq < 0 ? "" : p.substring(eq + 1).trim());
    }
    return Collections.unmodifiableMap(map);
  }

  static Fmtp parse(String value) {
    int space = value.indexOf(' ');
    String format = space < 0 ? value : value.substring(0, space);
    int pt = SdpText.integer(format, 127, "a=fmtp format");
    return new Fmtp(pt, space < 0 ? "" : value.substring(space + 1).trim());
  }

  /** Writes {@code key=value} pairs joined by {@code ;}. */
  public static Fmtp of(int payloadType, Map<String, String> parameters) {
    StringBuilder s = new StringBuilder();
    parameters.forEach((k, v) -> s.append(s.isEmpty() ? "" : ";").append(k).append(v.isEmpty() ? "" : "=" + v));
    return new Fmtp(payloadType, s.toString());
  }

  public Attribute toAttribute() {
    return new Attribute("fmtp", payloadType + " " + parameterText);
  }
}
