package studio.tally.webrtc.ice;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Both ends' ICE credentials (RFC 8445 §5.3): ours go in the offer, the remote's come from the answer.
 * A check we send carries USERNAME {@code remoteUfrag:localUfrag} and is signed with the remote password.
 */
public record IceParameters(String localUfrag, String localPassword, String remoteUfrag, String remotePassword) {

  private static final String ICE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
  private static final SecureRandom RANDOM = new SecureRandom();

  public IceParameters {
    Objects.requireNonNull(localUfrag, "localUfrag");
    Objects.requireNonNull(localPassword, "localPassword");
    if (remoteUfrag == null || remoteUfrag.isEmpty()) {
      throw new IllegalArgumentException("the answer has no a=ice-ufrag");
    }
    if (remotePassword == null || remotePassword.isEmpty()) {
      throw new IllegalArgumentException("the answer has no a=ice-pwd");
    }
  }

  /** Random ice-chars of {@code length} (ufrag ≥ 4, password ≥ 22 per RFC 8839 §5.4). */
  public static String randomIceString(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "IceParameters[" + localUfrag + ", " + remoteUfrag + "]"; // never the passwords
  }
}
