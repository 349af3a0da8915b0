package studio.tally.server.webrtc;

import java.util.Objects;
import studio.tally.server.webrtc.sdp.LocalIceCredentials;

/**
 * The ICE credentials of one peer connection (RFC 8445 §5.3, RFC 8839 §5.4): ours from our SDP
 * answer, the peer's from its offer. The peer's checks carry USERNAME {@code localUfrag:remoteUfrag}
 * and are keyed with {@code localPwd}. {@code remotePwd} is kept for completeness (an ice-lite agent
 * never sends checks, so it never needs it); null when unknown.
 */
public record IceCredentials(String localUfrag, String localPwd, String remoteUfrag, String remotePwd) {
  public IceCredentials {
    Objects.requireNonNull(localUfrag, "localUfrag");
    Objects.requireNonNull(localPwd, "localPwd");
    Objects.requireNonNull(remoteUfrag, "remoteUfrag");
    if (localUfrag.isEmpty() || remoteUfrag.isEmpty() || localUfrag.contains(":") || remoteUfrag.contains(":")) {
      throw new IllegalArgumentException("ufrags must be non-empty and contain no ':'");
    }
    if (localPwd.length() < 22) {
      throw new IllegalArgumentException("localPwd must have at least 22 characters (RFC 8839 §5.4)");
    }
  }

  /** Fresh random local credentials (8-character ufrag, 32-character password) for the given peer. */
  public static IceCredentials random(String remoteUfrag, String remotePwd) {
    return of(LocalIceCredentials.random(), remoteUfrag, remotePwd);
  }

  /** Our credentials as the SDP answer states them, with the peer's from its offer. */
  public static IceCredentials of(LocalIceCredentials local, String remoteUfrag, String remotePwd) {
    return new IceCredentials(local.ufrag(), local.pwd(), remoteUfrag, remotePwd);
  }

  /** The USERNAME the peer's checks carry. */
  public String expectedUsername() {
    return localUfrag + ":" + remoteUfrag;
  }

  @Override
  public String toString() {
    return "IceCredentials[" + localUfrag + ":" + remoteUfrag + "]"; // never print passwords
  }
}
