package studio.tally.server.webrtc.sdp;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * Local ICE credentials (RFC 8839 §5.4): {@code ice-ufrag} of 4–256 and {@code ice-pwd} of 22–256
 * ice-chars ({@code ALPHA / DIGIT / "+" / "/"}). The ufrag names the session in STUN USERNAME
 * ({@code <ours>:<theirs>}), so it must be unique per server; the password keys MESSAGE-INTEGRITY.
 */
public record LocalIceCredentials(String ufrag, String pwd) {
  /** Letters and digits only: valid ice-chars that also survive URLs, logs and shells untouched. */
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  public LocalIceCredentials {
    check(ufrag, 4, "ice-ufrag");
    check(pwd, 22, "ice-pwd");
  }

  /** 8-character ufrag (62^8 ≈ 2^47, collision-free in practice) and a 32-character password (≈ 190 bits). */
  public static LocalIceCredentials random() {
    return random(RANDOM);
  }

  public static LocalIceCredentials random(RandomGenerator random) {
    return new LocalIceCredentials(chars(random, 8), chars(random, 32));
  }

  private static String chars(RandomGenerator random, int n) {
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  /** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4). */
  static boolean isIceChars(String s) {
    return s.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '+' || c == '/');
  }

  private static void check(String value, int min, String field) {
    if (value == null || value.length() < min || value.length() > 256 || !isIceChars(value)) {
      throw new IllegalArgumentException(field + " must be " + min + "–256 ice-chars (ALPHA / DIGIT / + /)");
    }
  }

  @Override
  public String toString() {
    return "LocalIceCredentials[ufrag=" + ufrag + ", pwd=<hidden>]";
  }
}
