package studio.tally.proto.sdp;

import java.util.ArrayList;
import java.util.List;

/** Token and number rules shared by the line and attribute parsers. */
final class SdpText {
  private SdpText() {}

  /** Splits on runs of spaces (and tabs), ignoring leading and trailing ones. */
  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && isBlank(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isBlank(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * ice-options tokens (RFC 8839 §5.6: space-separated); libdatachannel (OBS) separates them with
   * commas ({@code ice2,trickle}), so commas split too.
   */
  static List<String> options(String value) {
    return words(value.replace(',', ' '));
  }

  /** A non-negative decimal integer of at most {@code max}; only ASCII digits. */
  static long number(String s, long max, String field) {
    if (s.isEmpty() || s.length() > 19) {
      throw new SdpException(field, "not a number: '" + s + "'");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new SdpException(field, "not a number: '" + s + "'");
      }
      v = v * 10 + (c - '0');
    }
    if (v > max) {
      throw new SdpException(field, s + " above " + max);
    }
    return v;
  }

  static int integer(String s, int max, String field) {
    return (int) number(s, max, field);
  }

  /** RFC 8866 token: visible ASCII except separators. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`{|}~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static String token(String s, String field) {
    if (!isToken(s)) {
      throw new SdpException(field, "not a token: '" + s + "'");
    }
    return s;
  }

  static void expect(boolean condition, String field, String detail) {
    if (!condition) {
      throw new SdpException(field, detail);
    }
  }
}
