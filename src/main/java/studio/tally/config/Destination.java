package studio.tally.config;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A destination: RTMP/RTMPS OBS style (server URL and stream key apart), or WHIP (an RFC 9725
 * endpoint {@code http(s)://…} or {@code webrtc://host[:port]/app/stream}, with a bearer token).
 *
 * <p>For WHIP the token lives in {@link #streamKey()}: it is the same kind of secret (kept in the
 * owner-only settings file, masked everywhere else), so it gets the same care without a second field.
 * A pasted {@code Bearer xyz} is stored as {@code xyz}; whether the prefix is sent is
 * {@link #rawToken()} (some servers want the raw key).
 *
 * <p>{@link #toString()} masks the stream key: it is a secret and never reaches a log.
 *
 * @param id stable identity for edits (not shown to users)
 * @param serverUrl RTMP: {@code rtmp[s]://host[:port]/app}; WHIP: the endpoint
 * @param streamKey RTMP: the stream key; WHIP: the bearer token without its prefix (empty = none)
 * @param tlsFingerprint SHA-256 of the certificate to trust (hex, colons optional), or null: the RTMPS
 *     server's, or for WHIP the {@code turns:} relay's (the endpoint's {@code https://} uses the system's trust)
 * @param insecureTls accept any RTMPS (or {@code turns:} relay) certificate
 * @param protocol RTMP (also when absent from an older settings file) or WHIP
 * @param rawToken WHIP: send the token as {@code Authorization: <token>}, without {@code Bearer }
 * @param iceServers WHIP: STUN/TURN servers ({@code turn:user:pass@host:port}, {@code ?transport=tcp},
 *     {@code turns:}); the first TURN server relays, before any the server's Link headers name. May
 *     carry passwords: kept like the stream key, never shown by {@link #toString()}
 */
public record Destination(String id, String name, String serverUrl, String streamKey, boolean enabled,
    String tlsFingerprint, boolean insecureTls, Protocol protocol, boolean rawToken, java.util.List<String> iceServers) {
  public static final String LOCAL_ID = "local";

  /** How the one encode goes out to this destination. */
  public enum Protocol { RTMP, WHIP }

  public Destination {
    id = id == null || id.isBlank() ? UUID.randomUUID().toString().substring(0, 8) : id;
    name = name == null || name.isBlank() ? "Destination" : name.strip();
    serverUrl = Objects.requireNonNullElse(serverUrl, "").strip();
    protocol = protocol == null ? Protocol.RTMP : protocol;
    streamKey = protocol == Protocol.WHIP ? bareToken(streamKey) : Objects.requireNonNullElse(streamKey, "").strip();
    tlsFingerprint = tlsFingerprint == null || tlsFingerprint.isBlank() ? null : tlsFingerprint.strip();
    iceServers = iceServers == null || protocol != Protocol.WHIP ? java.util.List.of() : java.util.List.copyOf(iceServers);
  }

  /** A destination without ICE servers. */
  public Destination(String id, String name, String serverUrl, String streamKey, boolean enabled, String tlsFingerprint,
      boolean insecureTls, Protocol protocol, boolean rawToken) {
    this(id, name, serverUrl, streamKey, enabled, tlsFingerprint, insecureTls, protocol, rawToken, java.util.List.of());
  }

  /** An RTMP/RTMPS destination. */
  public Destination(String id, String name, String serverUrl, String streamKey, boolean enabled, String tlsFingerprint,
      boolean insecureTls) {
    this(id, name, serverUrl, streamKey, enabled, tlsFingerprint, insecureTls, Protocol.RTMP, false);
  }

  /** A new RTMP destination with a fresh id. */
  public static Destination of(String name, String serverUrl, String streamKey) {
    return new Destination(null, name, serverUrl, streamKey, true, null, false);
  }

  /** A new WHIP destination with a fresh id; token may carry the {@code Bearer } prefix or not, or be null. */
  public static Destination whip(String name, String endpoint, String token) {
    return new Destination(null, name, endpoint, token, true, null, false, Protocol.WHIP, false);
  }

  /** The first-run destination: the embedded server at {@code rtmpHostPort}, key "studio". */
  public static Destination local(String rtmpHostPort) {
    return new Destination(LOCAL_ID, "Local server", "rtmp://" + rtmpHostPort + "/live", "studio", true, null, false);
  }

  /** True for a WHIP (WebRTC) destination: the encoder must then run without B-frames. */
  public boolean webRtc() {
    return protocol == Protocol.WHIP;
  }

  /**
   * The token without a leading {@code Bearer } (any case, any spaces after it): users paste the
   * header value as often as the token, and the prefix is a separate setting.
   */
  public static String bareToken(String token) {
    String t = Objects.requireNonNullElse(token, "").strip();
    if (t.regionMatches(true, 0, "Bearer", 0, 6) && (t.length() == 6 || Character.isWhitespace(t.charAt(6)))) {
      t = t.substring(6).strip();
    }
    return t;
  }

  public Destination withEnabled(boolean on) {
    return new Destination(id, name, serverUrl, streamKey, on, tlsFingerprint, insecureTls, protocol, rawToken, iceServers);
  }

  public Destination withServerUrl(String url) {
    return new Destination(id, name, url, streamKey, enabled, tlsFingerprint, insecureTls, protocol, rawToken, iceServers);
  }

  public Destination withStreamKey(String key) {
    return new Destination(id, name, serverUrl, key, enabled, tlsFingerprint, insecureTls, protocol, rawToken, iceServers);
  }

  public Destination withTls(String fingerprint, boolean insecure) {
    return new Destination(id, name, serverUrl, streamKey, enabled, fingerprint, insecure, protocol, rawToken, iceServers);
  }

  public Destination withIceServers(java.util.List<String> urls) {
    return new Destination(id, name, serverUrl, streamKey, enabled, tlsFingerprint, insecureTls, protocol, rawToken, urls);
  }

  /** The stream key (or token) as shown: first 3 characters and "…". */
  public String maskedKey() {
    return streamKey.length() <= 3 ? "…" : streamKey.substring(0, 3) + "…";
  }

  @Override
  public String toString() {
    return "Destination[id=" + id + ", name=" + name + ", protocol=" + protocol.name().toLowerCase(Locale.ROOT)
        + ", serverUrl=" + serverUrl + ", streamKey=" + maskedKey() + ", enabled=" + enabled + ", tlsFingerprint="
        + tlsFingerprint + ", insecureTls=" + insecureTls + ", rawToken=" + rawToken + ", iceServers=" + iceServers.size() + "]";
  }
}
