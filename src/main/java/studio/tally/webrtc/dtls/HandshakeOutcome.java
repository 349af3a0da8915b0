package studio.tally.webrtc.dtls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import studio.tally.proto.srtp.SrtpProfile;

/**
 * The state both handshake roles record the same way: the peer's certificate checked against its
 * SDP fingerprint, the SRTP profile, the exported keys, our own reason for aborting, and whether
 * the peer closed. Written on the handshake thread; {@link #connectionClosed} is read from it too.
 */
final class HandshakeOutcome {

  private final CertificateFingerprint expectedPeer;
  private SrtpProfile selectedProfile;
  private List<byte[]> peerChain = List.of();
  private byte[] keyingMaterial;
  private DtlsFailure.Reason failureReason;
  private String failureMessage;
  private volatile boolean connectionClosed;

  HandshakeOutcome(CertificateFingerprint expectedPeer) {
    this.expectedPeer = expectedPeer;
  }

  /** Accepts the peer's certificate only if its leaf matches the SDP fingerprint (when one is pinned). */
  void checkPeerCertificate(Certificate certificate, String peer) throws IOException {
    if (certificate == null || certificate.isEmpty()) {
      throw fail(DtlsFailure.Reason.NO_CLIENT_CERTIFICATE, AlertDescription.handshake_failure,
          peer + " sent no certificate");
    }
    List<byte[]> chain = new ArrayList<>();
    for (TlsCertificate c : certificate.getCertificateList()) {
      chain.add(c.getEncoded());
    }
    if (expectedPeer != null && !expectedPeer.matches(chain.getFirst())) {
      throw fail(DtlsFailure.Reason.FINGERPRINT_MISMATCH, AlertDescription.bad_certificate,
          peer + " certificate " + CertificateFingerprint.compute(expectedPeer.hashFunction(), chain.getFirst())
              + " does not match the SDP fingerprint " + expectedPeer);
    }
    peerChain = chain;
  }

  void selectProfile(SrtpProfile profile) {
    selectedProfile = profile;
  }

  /** RFC 5764 §4.2: no context value, 2 * (key + salt) bytes. */
  void exportKeys(TlsContext context) {
    keyingMaterial = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, selectedProfile.keyingMaterialLength());
  }

  void onAlert(short alertLevel, short alertDescription) {
    if (alertLevel == AlertLevel.fatal || alertDescription == AlertDescription.close_notify) {
      connectionClosed = true;
    }
  }

  void onConnectionClosed() {
    connectionClosed = true;
  }

  /** Records why we abort, so the session reports our reason rather than a bare alert. */
  TlsFatalAlert fail(DtlsFailure.Reason reason, short alert, String message) {
    if (failureReason == null) {
      failureReason = reason;
      failureMessage = message;
    }
    return new TlsFatalAlert(alert, message);
  }

  DtlsFailure.Reason failureReason() {
    return failureReason;
  }

  String failureMessage() {
    return failureMessage;
  }

  boolean connectionClosed() {
    return connectionClosed;
  }

  SrtpProfile selectedProfile() {
    return selectedProfile;
  }

  List<byte[]> peerChain() {
    return peerChain;
  }

  byte[] keyingMaterial() {
    return keyingMaterial;
  }
}
