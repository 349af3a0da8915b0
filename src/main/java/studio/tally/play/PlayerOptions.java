package studio.tally.play;

import java.time.Duration;

/**
 * How a player connects.
 *
 * @param tlsFingerprint SHA-256 of the server certificate to trust (hex, colons optional), or null
 * @param insecureTls accept any certificate
 * @param connectTimeout for the TCP connect
 */
public record PlayerOptions(String tlsFingerprint, boolean insecureTls, Duration connectTimeout) {

  public static PlayerOptions defaults() {
    return new PlayerOptions(null, false, Duration.ofSeconds(10));
  }

  public PlayerOptions withTls(String fingerprint, boolean insecure) {
    return new PlayerOptions(fingerprint, insecure, connectTimeout);
  }

  public PlayerOptions withConnectTimeout(Duration timeout) {
    return new PlayerOptions(tlsFingerprint, insecureTls, timeout);
  }
}
