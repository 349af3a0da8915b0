package studio.tally.play;

import java.time.Duration;

/**
 * How a player connects.
 *
 * @param tlsFingerprint SHA-256 of the server certificate to trust (hex, colons optional), or null
 * @param insecureTls accept any certificate
 * @param connectTimeout for the TCP connect (WHEP: for each step: the HTTP exchange, ICE + DTLS)
 * @param bearerToken WHEP: sent as {@code Authorization: Bearer <token>}, or null (never logged)
 * @param iceTcpOnly WHEP and webrtc://: gather no UDP candidates, media over ICE-TCP only
 */
public record PlayerOptions(String tlsFingerprint, boolean insecureTls, Duration connectTimeout, String bearerToken,
    boolean iceTcpOnly) {

  public PlayerOptions(String tlsFingerprint, boolean insecureTls, Duration connectTimeout) {
    this(tlsFingerprint, insecureTls, connectTimeout, null, false);
  }

  public static PlayerOptions defaults() {
    return new PlayerOptions(null, false, Duration.ofSeconds(10), null, false);
  }

  public PlayerOptions withTls(String fingerprint, boolean insecure) {
    return new PlayerOptions(fingerprint, insecure, connectTimeout, bearerToken, iceTcpOnly);
  }

  public PlayerOptions withConnectTimeout(Duration timeout) {
    return new PlayerOptions(tlsFingerprint, insecureTls, timeout, bearerToken, iceTcpOnly);
  }

  public PlayerOptions withBearerToken(String token) {
    return new PlayerOptions(tlsFingerprint, insecureTls, connectTimeout, token == null || token.isBlank() ? null : token.strip(),
        iceTcpOnly);
  }

  public PlayerOptions withIceTcpOnly(boolean tcpOnly) {
    return new PlayerOptions(tlsFingerprint, insecureTls, connectTimeout, bearerToken, tcpOnly);
  }

  @Override
  public String toString() { // the token is a secret: never in logs
    return "PlayerOptions[tlsFingerprint=" + tlsFingerprint + ", insecureTls=" + insecureTls + ", connectTimeout="
        + connectTimeout + ", bearerToken=" + (bearerToken == null ? "none" : "***") + ", iceTcpOnly=" + iceTcpOnly + "]";
  }
}
