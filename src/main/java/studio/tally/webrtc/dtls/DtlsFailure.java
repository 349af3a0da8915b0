package studio.tally.webrtc.dtls;

/**
 * Why a DTLS session ended before (or instead of) a usable handshake.
 *
 * @param reason the category the owner acts on (log, count, tear the peer connection down)
 * @param message a human-readable detail; never contains key material
 * @param cause the underlying exception, or null
 */
public record DtlsFailure(Reason reason, String message, Throwable cause) {

  public enum Reason {
    /** The handshake did not finish within {@link DtlsConfig#handshakeTimeout()}. */
    TIMEOUT,
    /** No {@code use_srtp}, or no common profile (as client: the server chose none we offered). */
    NO_SRTP_PROFILE,
    /** The peer sent no certificate (WebRTC peers always have one). */
    NO_CLIENT_CERTIFICATE,
    /** The peer's certificate does not match the fingerprint from its SDP. */
    FINGERPRINT_MISMATCH,
    /** The peer sent a fatal alert. */
    PEER_ALERT,
    /** Malformed or unacceptable handshake from the peer (we sent a fatal alert). */
    PROTOCOL_ERROR,
    /** {@link DtlsSession#close()} was called before the handshake finished. */
    CLOSED,
    /** A bug or an environment problem on our side (crypto provider, sender threw, ...). */
    INTERNAL_ERROR
  }

  @Override
  public String toString() {
    return "DtlsFailure[" + reason + ": " + message + "]";
  }
}
