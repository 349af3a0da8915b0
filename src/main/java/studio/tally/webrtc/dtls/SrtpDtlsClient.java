package studio.tally.webrtc.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import studio.tally.proto.srtp.SrtpProfile;

/**
 * BouncyCastle's client-side policy for one WebRTC DTLS handshake, used when the peer's offer said
 * {@code a=setup:passive} (RFC 5763 §5: it wants to be the DTLS server, we answer {@code active}):
 * DTLS 1.2 only, ECDHE suites of both key types, extended master secret required, our certificate
 * as the client certificate, the server's certificate pinned to its SDP fingerprint, and
 * {@code use_srtp} offering our profiles in our order (the server picks one, RFC 5764 §4.1.1).
 * Called on the handshake thread only.
 */
final class SrtpDtlsClient extends DefaultTlsClient implements SrtpDtlsEndpoint {

  private final BcIdentity identity;
  private final List<SrtpProfile> srtpOffer;
  private final int handshakeTimeoutMillis;
  private final HandshakeOutcome outcome;

  SrtpDtlsClient(BcTlsCrypto crypto, DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer) {
    super(crypto);
    this.identity = BcIdentity.of(crypto, identity);
    this.srtpOffer = config.srtpProfiles();
    this.outcome = new HandshakeOutcome(expectedPeer);
    this.handshakeTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis());
  }

  @Override
  public DTLSTransport handshake(DatagramTransport transport) throws IOException {
    return new DTLSClientProtocol().connect(this, transport);
  }

  @Override
  public HandshakeOutcome outcome() {
    return outcome;
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return TlsUtils.getSupportedCipherSuites(getCrypto(), SrtpDtlsServer.ALL_SUITES);
  }

  @Override
  public boolean requiresExtendedMasterSecret() {
    return true;
  }

  @Override
  public int getHandshakeTimeoutMillis() {
    return handshakeTimeoutMillis;
  }

  /** First retransmission of a flight; BouncyCastle doubles it (to 60 s at most). */
  @Override
  public int getHandshakeResendTimeMillis() {
    return QueueDatagramTransport.INITIAL_RESEND_MILLIS;
  }

  @Override
  public Hashtable getClientExtensions() throws IOException {
    Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
    int[] ids = srtpOffer.stream().mapToInt(SrtpProfile::id).toArray();
    TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
    return extensions;
  }

  @Override
  public void processServerExtensions(Hashtable serverExtensions) throws IOException {
    super.processServerExtensions(serverExtensions);
    UseSRTPData chosen = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
    if (chosen == null) {
      throw outcome.fail(DtlsFailure.Reason.NO_SRTP_PROFILE, AlertDescription.handshake_failure,
          "server answered no use_srtp extension");
    }
    int[] ids = chosen.getProtectionProfiles();
    SrtpProfile profile = ids.length != 1 ? null
        : srtpOffer.stream().filter(p -> p.id() == ids[0]).findFirst().orElse(null);
    if (profile == null) { // RFC 5764 §4.1.1: exactly one of the offered profiles
      throw outcome.fail(DtlsFailure.Reason.NO_SRTP_PROFILE, AlertDescription.illegal_parameter,
          "server chose SRTP profiles " + Arrays.toString(Arrays.stream(ids).mapToObj(
              id -> String.format("0x%04x", id)).toArray()) + ", we offered " + srtpOffer);
    }
    outcome.selectProfile(profile);
  }

  @Override
  public TlsAuthentication getAuthentication() {
    return new TlsAuthentication() {
      @Override
      public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
        outcome.checkPeerCertificate(serverCertificate == null ? null : serverCertificate.getCertificate(), "server");
      }

      @Override
      public TlsCredentials getClientCredentials(CertificateRequest request) {
        return identity.signer(context, request.getSupportedSignatureAlgorithms());
      }
    };
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    outcome.exportKeys(context);
  }

  @Override
  public void notifyAlertReceived(short alertLevel, short alertDescription) {
    outcome.onAlert(alertLevel, alertDescription);
  }

  @Override
  public void notifyConnectionClosed() {
    outcome.onConnectionClosed();
  }

  @Override
  public int cipherSuite() {
    return context.getSecurityParametersConnection().getCipherSuite();
  }
}
