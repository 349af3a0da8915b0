package studio.tally.proto.signaling;

import java.util.regex.Pattern;

/**
 * Room and display names. Each becomes a path segment of {@code webrtc://host/<room>/<display>} in SFU
 * mode, so they follow stream-name rules: 1..64 of letters, digits, {@code _ . ~ -}, not starting with
 * a dot or dash, no {@code ..}.
 */
public final class SignalingNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.~-]{0,63}");

  private SignalingNames() {}

  public static boolean isValid(String s) {
    return s != null && NAME.matcher(s).matches() && !s.contains("..");
  }

  /** Why {@code s} is not a valid name, for an error reply. */
  public static String problem(String what, String s) {
    if (s == null || s.isEmpty()) {
      return what + " is missing";
    }
    String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return what + " '" + shown + "' is not a valid name (1..64 of letters, digits, _ . ~ -)";
  }
}
