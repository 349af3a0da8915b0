package studio.tally.webrtc.dtls;

import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The DTLS server role ({@link DtlsSession}): our answer said {@code a=setup:passive}, the peer sends
 * the ClientHello and must present a client certificate. No HelloVerifyRequest round trip: ICE
 * connectivity checks already proved the peer's address.
 */
public final class DtlsServerSession extends DtlsSession {

  private DtlsServerSession(DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer,
      Consumer<byte[]> sender, Listener listener) {
    super(new SrtpDtlsServer(Crypto.INSTANCE, identity, config, expectedPeer), config, sender, listener);
  }

  /**
   * Starts a session on a virtual thread.
   *
   * @param identity our certificate and key; its SHA-256 fingerprint is in our SDP answer
   * @param expectedPeer the client's {@code a=fingerprint} from its offer, checked during the handshake
   *     (a mismatch aborts with bad_certificate); null to check later with
   *     {@link DtlsResult#verifyPeerFingerprint}
   * @param sender writes one datagram to the peer; must not block
   */
  public static DtlsServerSession start(DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer,
      Consumer<byte[]> sender, Listener listener) {
    return start(identity, config, expectedPeer, sender, listener, DEFAULT_THREADS);
  }

  /** As {@link #start(DtlsIdentity, DtlsConfig, CertificateFingerprint, Consumer, Listener)}, on a thread from {@code threads}. */
  public static DtlsServerSession start(DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer,
      Consumer<byte[]> sender, Listener listener, ThreadFactory threads) {
    return launch(new DtlsServerSession(identity, config, expectedPeer, sender, listener), threads);
  }
}
