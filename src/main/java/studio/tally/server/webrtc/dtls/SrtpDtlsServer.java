package studio.tally.server.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import studio.tally.server.tls.ServerCertificate;

/**
 * BouncyCastle's server-side policy for one WebRTC DTLS handshake: DTLS 1.2 only, ECDHE with the
 * server key's signature type, extended master secret required, a client certificate required
 * (optionally pinned to the SDP fingerprint), and {@code use_srtp} negotiated by our preference.
 * BouncyCastle calls it on the handshake thread only; the session reads its results after
 * {@code accept} returns or throws, on the same thread.
 */
final class SrtpDtlsServer extends DefaultTlsServer {

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

  private final BcTlsCrypto crypto;
  private final AsymmetricKeyParameter privateKey;
  private final Certificate bcChain;
  private final boolean rsaKey;
  private final List<SrtpProfile> srtpPreference;
  private final CertificateFingerprint expectedPeer;
  private final int handshakeTimeoutMillis;

  // handshake outcome, written and read on the handshake thread
  private SrtpProfile selectedProfile;
  private List<byte[]> peerChain = List.of();
  private byte[] keyingMaterial;
  private DtlsFailure.Reason failureReason;
  private String failureMessage;
  private volatile boolean connectionClosed;

  SrtpDtlsServer(BcTlsCrypto crypto, ServerCertificate identity, DtlsConfig config, CertificateFingerprint expectedPeer) {
    super(crypto);
    this.crypto = crypto;
    this.srtpPreference = config.srtpProfiles();
    this.expectedPeer = expectedPeer;
    this.handshakeTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis());
    this.rsaKey = "RSA".equals(identity.key().getAlgorithm());
    try {
      TlsCertificate[] certs = new TlsCertificate[identity.chain().size()];
      for (int i = 0; i < certs.length; i++) {
        certs[i] = crypto.createCertificate(identity.chain().get(i).getEncoded());
      }
      this.bcChain = new Certificate(certs);
      this.privateKey = PrivateKeyFactory.createKey(identity.key().getEncoded());
    } catch (CertificateEncodingException | IOException e) {
      throw new IllegalArgumentException("server certificate cannot be loaded into BouncyCastle: " + e.getMessage(), e);
    }
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return TlsUtils.getSupportedCipherSuites(crypto, rsaKey ? RSA_SUITES : ECDSA_SUITES);
  }

  @Override
  public boolean requiresExtendedMasterSecret() {
    return true;
  }

  @Override
  public int getHandshakeTimeoutMillis() {
    return handshakeTimeoutMillis;
  }

  @Override
  public void processClientExtensions(Hashtable clientExtensions) throws IOException {
    super.processClientExtensions(clientExtensions);
    UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
    if (offered == null) {
      throw fail(DtlsFailure.Reason.NO_SRTP_PROFILE, AlertDescription.handshake_failure,
          "client offered no use_srtp extension");
    }
    int[] ids = offered.getProtectionProfiles();
    for (SrtpProfile candidate : srtpPreference) {
      if (Arrays.stream(ids).anyMatch(id -> id == candidate.id())) {
        selectedProfile = candidate;
        return;
      }
    }
    throw fail(DtlsFailure.Reason.NO_SRTP_PROFILE, AlertDescription.handshake_failure,
        "no common SRTP profile: client offered " + Arrays.toString(Arrays.stream(ids).mapToObj(
            id -> String.format("0x%04x", id)).toArray()) + ", we accept " + srtpPreference);
  }

  @Override
  public Hashtable getServerExtensions() throws IOException {
    Hashtable extensions = super.getServerExtensions();
    // RFC 5764 §4.1.1: exactly one profile; no MKI (WebRTC never uses one)
    TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {selectedProfile.id()}, TlsUtils.EMPTY_BYTES));
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
    if (clientCertificate == null || clientCertificate.isEmpty()) {
      throw fail(DtlsFailure.Reason.NO_CLIENT_CERTIFICATE, AlertDescription.handshake_failure,
          "client sent no certificate");
    }
    List<byte[]> chain = new ArrayList<>();
    for (TlsCertificate c : clientCertificate.getCertificateList()) {
      chain.add(c.getEncoded());
    }
    if (expectedPeer != null && !expectedPeer.matches(chain.getFirst())) {
      throw fail(DtlsFailure.Reason.FINGERPRINT_MISMATCH, AlertDescription.bad_certificate,
          "client certificate " + CertificateFingerprint.compute(expectedPeer.hashFunction(), chain.getFirst())
              + " does not match the SDP fingerprint " + expectedPeer);
    }
    peerChain = chain;
  }

  @Override
  protected TlsCredentialedSigner getECDSASignerCredentials() {
    return signer(SignatureAlgorithm.ecdsa, HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512,
        HashAlgorithm.sha1);
  }

  @Override
  protected TlsCredentialedSigner getRSASignerCredentials() {
    return signer(SignatureAlgorithm.rsa, HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512,
        HashAlgorithm.sha1);
  }

  /** The first of our hashes the client lists for this signature type (RFC 5246 §7.4.1.4.1). */
  private TlsCredentialedSigner signer(short signature, short... hashes) {
    Vector<?> clientSigAlgs = context.getSecurityParametersHandshake().getClientSigAlgs();
    SignatureAndHashAlgorithm chosen = null;
    if (clientSigAlgs == null) {
      chosen = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, signature); // RFC 5246 default
    } else {
      for (short hash : hashes) {
        SignatureAndHashAlgorithm candidate = SignatureAndHashAlgorithm.getInstance(hash, signature);
        if (clientSigAlgs.contains(candidate)) {
          chosen = candidate;
          break;
        }
      }
    }
    if (chosen == null) {
      return null; // BouncyCastle then fails the handshake with internal_error / no credentials
    }
    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, bcChain, chosen);
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    // RFC 5764 §4.2: no context value, 2 * (key + salt) bytes
    keyingMaterial = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, selectedProfile.keyingMaterialLength());
  }

  @Override
  public void notifyAlertReceived(short alertLevel, short alertDescription) {
    if (alertLevel == AlertLevel.fatal || alertDescription == AlertDescription.close_notify) {
      connectionClosed = true;
    }
  }

  @Override
  public void notifyConnectionClosed() {
    connectionClosed = true;
  }

  /** Records why we abort, so the session reports our reason rather than a bare alert. */
  private TlsFatalAlert fail(DtlsFailure.Reason reason, short alert, String message) {
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

  int cipherSuite() {
    return context.getSecurityParametersConnection().getCipherSuite();
  }
}
