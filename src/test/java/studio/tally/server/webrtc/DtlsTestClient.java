package studio.tally.server.webrtc;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import studio.tally.server.tls.ServerCertificate;

/**
 * BouncyCastle's DTLS 1.2 client as the browser's DTLS end (the way the dtls tests drive it): the
 * handshake reads from {@code inbound} (fed by the test client's receive thread) and writes through
 * {@code send}. After the handshake it holds the negotiated SRTP profile and the exporter output.
 */
final class DtlsTestClient {
  private static final JcaTlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

  private final ServerCertificate identity;
  private final BlockingQueue<byte[]> inbound;
  private final Consumer<byte[]> send;
  volatile int srtpProfile;
  volatile byte[] keyingMaterial;
  volatile byte[] serverCertificateDer;

  DtlsTestClient(ServerCertificate identity, BlockingQueue<byte[]> inbound, Consumer<byte[]> send) {
    this.identity = identity;
    this.inbound = inbound;
    this.send = send;
  }

  DTLSTransport connect() throws IOException {
    return new DTLSClientProtocol().connect(new Client(), new Transport());
  }

  private final class Client extends DefaultTlsClient {
    private Hashtable<?, ?> serverExtensions;

    Client() {
      super(CRYPTO);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      int profile = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
      int length = profile == SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM ? 56 : 60;
      srtpProfile = profile;
      keyingMaterial = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, length);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
      return 8_000;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
      Hashtable extensions = super.getClientExtensions();
      TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {
          SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80},
          TlsUtils.EMPTY_BYTES));
      return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable extensions) throws IOException {
      super.processServerExtensions(extensions);
      serverExtensions = extensions;
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
          serverCertificateDer = serverCertificate.getCertificate().getCertificateAt(0).getEncoded();
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
          try {
            TlsCertificate cert = CRYPTO.createCertificate(identity.leaf().getEncoded());
            return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), CRYPTO, identity.key(),
                new Certificate(new TlsCertificate[] {cert}),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
          } catch (CertificateEncodingException e) {
            throw new IOException(e);
          }
        }
      };
    }
  }

  private final class Transport implements DatagramTransport {
    @Override
    public int getReceiveLimit() {
      return 16_384;
    }

    @Override
    public int getSendLimit() {
      return 1200;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
      try {
        byte[] d = inbound.poll(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
        if (d == null) {
          return -1;
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
      send.accept(java.util.Arrays.copyOfRange(buf, off, off + len));
    }

    @Override
    public void close() {
    }
  }
}
