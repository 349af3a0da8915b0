package studio.tally.webrtc.dtls;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** Our certificate and key as BouncyCastle wants them, for either handshake role. */
record BcIdentity(BcTlsCrypto crypto, Certificate chain, AsymmetricKeyParameter privateKey, boolean rsaKey) {

  static BcIdentity of(BcTlsCrypto crypto, DtlsIdentity identity) {
    try {
      TlsCertificate[] certs = new TlsCertificate[identity.chain().size()];
      for (int i = 0; i < certs.length; i++) {
        certs[i] = crypto.createCertificate(identity.chain().get(i).getEncoded());
      }
      return new BcIdentity(crypto, new Certificate(certs), PrivateKeyFactory.createKey(identity.key().getEncoded()),
          "RSA".equals(identity.key().getAlgorithm()));
    } catch (CertificateEncodingException | IOException e) {
      throw new IllegalArgumentException("certificate cannot be loaded into BouncyCastle: " + e.getMessage(), e);
    }
  }

  /**
   * A signer with the first of our hashes (sha256, sha384, sha512, sha1) that the peer lists for our
   * key's signature type (RFC 5246 §7.4.1.4.1); sha1 if the peer lists none at all; null when
   * nothing fits (BouncyCastle then fails the handshake).
   */
  TlsCredentialedSigner signer(TlsContext context, Vector<?> peerSigAlgs) {
    short signature = rsaKey ? SignatureAlgorithm.rsa : SignatureAlgorithm.ecdsa;
    SignatureAndHashAlgorithm chosen = null;
    if (peerSigAlgs == null) {
      chosen = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, signature);
    } else {
      for (short hash : new short[] {HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512,
          HashAlgorithm.sha1}) {
        SignatureAndHashAlgorithm candidate = SignatureAndHashAlgorithm.getInstance(hash, signature);
        if (peerSigAlgs.contains(candidate)) {
          chosen = candidate;
          break;
        }
      }
    }
    if (chosen == null) {
      return null;
    }
    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, chain, chosen);
  }
}
