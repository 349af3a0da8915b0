package studio.tally.play;

/**
 * Why a player could not play, or stopped: a kind a script can branch on and a sentence a person
 * can act on.
 */
public record PlayFailure(Kind kind, String reason) {

  public enum Kind {
    /** Nothing listens on the port (connection refused). */
    REFUSED,
    /** The host name does not resolve or the network is unreachable. */
    UNREACHABLE,
    /** The server has no such stream (HTTP 404, NetStream.Play.StreamNotFound). */
    NOT_FOUND,
    /** The server refused us otherwise (other HTTP status, NetConnection.Connect.Rejected). */
    REJECTED,
    /** The server's certificate is not trusted or does not match the pin; the TLS handshake failed. */
    TLS_UNTRUSTED,
    /** The bytes are not a stream we can play (not FLV, malformed tags, a config the decoder refuses). */
    BAD_STREAM,
    /** WebRTC: the answer SDP was unusable (not SDP, wrong content type, libwebrtc refused it). */
    BAD_SDP,
    /** WebRTC: the answer was accepted but ICE (or DTLS) never connected, or the connection failed. */
    ICE_FAILED,
    /** Connecting or the first picture took longer than allowed. */
    TIMEOUT,
    /** The connection ended after playing began. */
    ENDED
  }

  /** True when the player never got as far as playing (what `tally probe` exits 2 for). */
  public boolean beforePlaying() {
    return kind != Kind.ENDED;
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason;
  }
}
