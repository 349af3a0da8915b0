package studio.tally.webrtc.dtls;

import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The DTLS client role ({@link DtlsSession}): the peer offered {@code a=setup:passive} (FFmpeg's WHIP
 * muxer does), our answer says {@code active}, so we send the ClientHello as soon as the session
 * starts and present our certificate as the client certificate. The owner starts it once ICE has a
 * path to send on (after answering the peer's first binding request).
 */
public final class DtlsClientSession extends DtlsSession {

  private DtlsClientSession(DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer,
      Consumer<byte[]> sender, Listener listener) {
    super(new SrtpDtlsClient(Crypto.INSTANCE, identity, config, expectedPeer), config, sender, listener);
  }

  /**
   * Starts a session on a virtual thread; the ClientHello goes out at once through {@code sender}.
   *
   * @param identity our certificate and key, sent as the client certificate; its SHA-256 fingerprint is in our answer
   * @param expectedPeer the server's {@code a=fingerprint} from its offer, checked during the handshake
   *     (a mismatch aborts with bad_certificate); null to check later with {@link DtlsResult#verifyPeerFingerprint}
   * @param sender writes one datagram to the peer; must not block
   */
  public static DtlsClientSession start(DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer,
      Consumer<byte[]> sender, Listener listener) {
    return start(identity, config, expectedPeer, sender, listener, DEFAULT_THREADS);
  }

  /** As {@link #start(DtlsIdentity, DtlsConfig, CertificateFingerprint, Consumer, Listener)}, on a thread from {@code threads}. */
  public static DtlsClientSession start(DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer,
      Consumer<byte[]> sender, Listener listener, ThreadFactory threads) {
    return launch(new DtlsClientSession(identity, config, expectedPeer, sender, listener), threads);
  }
}
