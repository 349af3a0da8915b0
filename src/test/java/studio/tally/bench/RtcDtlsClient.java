package studio.tally.bench;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
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
import studio.tally.proto.srtp.SrtpKeys;
import studio.tally.proto.srtp.SrtpProfile;
import studio.tally.server.tls.ServerCertificate;

/**
 * The DTLS 1.2 client end of a bench peer (BouncyCastle, as a browser would be against our
 * ice-lite server): blocking, so it runs on the joining peer's virtual thread, reading the
 * datagrams its socket handler queues and writing through {@code send}. One certificate for all
 * peers (its fingerprint goes into every offer).
 */
final class RtcDtlsClient {
  static final ServerCertificate IDENTITY = ServerCertificate.selfSigned("tally-rtc-bench", Duration.ofDays(2));
  private static final JcaTlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

  private final BlockingQueue<byte[]> inbound;
  private final Consumer<byte[]> send;
  private volatile SrtpProfile profile;
  private volatile byte[] keyingMaterial;

  RtcDtlsClient(BlockingQueue<byte[]> inbound, Consumer<byte[]> send) {
    this.inbound = inbound;
    this.send = send;
  }

  /** Our fingerprint for {@code a=fingerprint:sha-256}. */
  static String fingerprint() {
    return IDENTITY.sha256Fingerprint();
  }

  /** Runs the handshake (blocking) and returns the SRTP keys of the client side. */
  SrtpKeys handshake() throws IOException {
    new DTLSClientProtocol().connect(new Client(), new Transport());
    return SrtpKeys.fromDtlsExporter(keyingMaterial, profile, false);
  }

  private final class Client extends DefaultTlsClient {
    private Hashtable<?, ?> serverExtensions;

    Client() {
      super(CRYPTO);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      int id = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
      profile = SrtpProfile.ofId(id);
      keyingMaterial = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, profile.keyingMaterialLength());
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
      return 20_000;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
      Hashtable extensions = super.getClientExtensions();
      // Chromium's order: GCM first, then the mandatory AES-CM/HMAC-SHA1-80
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
        public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
          // the bench trusts its own server; the tests check the fingerprint
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
          try {
            TlsCertificate cert = CRYPTO.createCertificate(IDENTITY.leaf().getEncoded());
            return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), CRYPTO, IDENTITY.key(),
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
        throw new InterruptedIOException("dtls handshake interrupted");
      }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
      send.accept(Arrays.copyOfRange(buf, off, off + len));
    }

    @Override
    public void close() {
    }
  }
}
