package studio.tally.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's server-side policy for one WebRTC DTLS handshake: DTLS 1.2 only, ECDHE with the
 * server key's signature type, extended master secret required, a client certificate required
 * (optionally pinned to the SDP fingerprint), and {@code use_srtp} negotiated by our preference.
 * BouncyCastle calls it on the handshake thread only; the session reads its results after
 * {@code accept} returns or throws, on the same thread.
 */
final class SrtpDtlsServer extends DefaultTlsServer implements SrtpDtlsEndpoint {

  private static final int[] ECDSA_SUITES = {
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA};
  private static final int[] RSA_SUITES = {
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
      CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA};
  /** Both key types, for the client role: the peer's certificate type is not ours to choose. */
  static final int[] ALL_SUITES = java.util.stream.IntStream.concat(
      java.util.Arrays.stream(ECDSA_SUITES), java.util.Arrays.stream(RSA_SUITES)).toArray();

  private final BcIdentity identity;
  private final List<SrtpProfile> srtpPreference;
  private final int handshakeTimeoutMillis;
  private final HandshakeOutcome outcome;

  SrtpDtlsServer(BcTlsCrypto crypto, DtlsIdentity identity, DtlsConfig config, CertificateFingerprint expectedPeer) {
    super(crypto);
    this.identity = BcIdentity.of(crypto, identity);
    this.srtpPreference = config.srtpProfiles();
    this.outcome = new HandshakeOutcome(expectedPeer);
    this.handshakeTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis());
  }

  @Override
  public DTLSTransport handshake(DatagramTransport transport) throws IOException {
    DTLSServerProtocol protocol = new DTLSServerProtocol();
    // no HelloVerifyRequest cookie round trip: ICE connectivity checks already proved the peer's address
    protocol.setVerifyRequests(false);
    return protocol.accept(this, transport);
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
    return TlsUtils.getSupportedCipherSuites(getCrypto(), identity.rsaKey() ? RSA_SUITES : ECDSA_SUITES);
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
  public void processClientExtensions(Hashtable clientExtensions) throws IOException {
    super.processClientExtensions(clientExtensions);
    UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
    if (offered == null) {
      throw outcome.fail(DtlsFailure.Reason.NO_SRTP_PROFILE, AlertDescription.handshake_failure,
          "client offered no use_srtp extension");
    }
    int[] ids = offered.getProtectionProfiles();
    for (SrtpProfile candidate : srtpPreference) {
      if (Arrays.stream(ids).anyMatch(id -> id == candidate.id())) {
        outcome.selectProfile(candidate);
        return;
      }
    }
    throw outcome.fail(DtlsFailure.Reason.NO_SRTP_PROFILE, AlertDescription.handshake_failure,
        "no common SRTP profile: client offered " + Arrays.toString(Arrays.stream(ids).mapToObj(
            id -> String.format("0x%04x", id)).toArray()) + ", we accept " + srtpPreference);
  }

  @Override
  public Hashtable getServerExtensions() throws IOException {
    Hashtable extensions = super.getServerExtensions();
    // RFC 5764 §4.1.1: exactly one profile; no MKI (WebRTC never uses one)
    TlsSRTPUtils.addUseSRTPExtension(extensions,
        new UseSRTPData(new int[] {outcome.selectedProfile().id()}, TlsUtils.EMPTY_BYTES));
    return extensions;
  }

  @Override
  public CertificateRequest getCertificateRequest() {
    short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
    Vector<?> sigAlgs = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
    return new CertificateRequest(types, sigAlgs, null);
  }

  @Override
  public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
    outcome.checkPeerCertificate(clientCertificate, "client");
  }

  @Override
  protected TlsCredentialedSigner getECDSASignerCredentials() {
    return identity.rsaKey() ? null : identity.signer(context, context.getSecurityParametersHandshake().getClientSigAlgs());
  }

  @Override
  protected TlsCredentialedSigner getRSASignerCredentials() {
    return identity.rsaKey() ? identity.signer(context, context.getSecurityParametersHandshake().getClientSigAlgs()) : null;
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
