package studio.tally.config;

import java.util.Objects;
import java.util.UUID;

/**
 * An RTMP/RTMPS destination, OBS style: server URL and stream key apart.
 *
 * <p>{@link #toString()} masks the stream key: it is a secret and never reaches a log.
 *
 * @param id stable identity for edits (not shown to users)
 * @param serverUrl {@code rtmp[s]://host[:port]/app}
 * @param tlsFingerprint SHA-256 of the RTMPS server's certificate to trust (hex, colons optional), or null
 * @param insecureTls accept any RTMPS certificate
 */
public record Destination(String id, String name, String serverUrl, String streamKey, boolean enabled,
    String tlsFingerprint, boolean insecureTls) {
  public static final String LOCAL_ID = "local";

  public Destination {
    id = id == null || id.isBlank() ? UUID.randomUUID().toString().substring(0, 8) : id;
    name = name == null || name.isBlank() ? "Destination" : name.strip();
    serverUrl = Objects.requireNonNullElse(serverUrl, "").strip();
    streamKey = Objects.requireNonNullElse(streamKey, "").strip();
    tlsFingerprint = tlsFingerprint == null || tlsFingerprint.isBlank() ? null : tlsFingerprint.strip();
  }

  /** A new destination with a fresh id. */
  public static Destination of(String name, String serverUrl, String streamKey) {
    return new Destination(null, name, serverUrl, streamKey, true, null, false);
  }

  /** The first-run destination: the embedded server at {@code rtmpHostPort}, key "studio". */
  public static Destination local(String rtmpHostPort) {
    return new Destination(LOCAL_ID, "Local server", "rtmp://" + rtmpHostPort + "/live", "studio", true, null, false);
  }

  public Destination withEnabled(boolean on) {
    return new Destination(id, name, serverUrl, streamKey, on, tlsFingerprint, insecureTls);
  }

  public Destination withServerUrl(String url) {
    return new Destination(id, name, url, streamKey, enabled, tlsFingerprint, insecureTls);
  }

  public Destination withStreamKey(String key) {
    return new Destination(id, name, serverUrl, key, enabled, tlsFingerprint, insecureTls);
  }

  public Destination withTls(String fingerprint, boolean insecure) {
    return new Destination(id, name, serverUrl, streamKey, enabled, fingerprint, insecure);
  }

  /** The stream key as shown: first 3 characters and "…". */
  public String maskedKey() {
    return streamKey.length() <= 3 ? "…" : streamKey.substring(0, 3) + "…";
  }

  @Override
  public String toString() {
    return "Destination[id=" + id + ", name=" + name + ", serverUrl=" + serverUrl + ", streamKey=" + maskedKey()
        + ", enabled=" + enabled + ", tlsFingerprint=" + tlsFingerprint + ", insecureTls=" + insecureTls + "]";
  }
}
