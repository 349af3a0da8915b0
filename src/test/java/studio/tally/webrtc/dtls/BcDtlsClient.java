package studio.tally.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.util.Hashtable;
import java.util.concurrent.ArrayBlockingQueue;
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
 * BouncyCastle's own DTLS client as an in-memory peer: {@link #connect} runs the blocking handshake
 * over a queue fed by {@link #deliver} (the server session's sender), and sends through
 * {@code toServer}, which a test may filter to lose, corrupt or reorder datagrams.
 */
final class BcDtlsClient {

  private static final JcaTlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

  private final DtlsIdentity identity; // null: no client certificate
  private final int[] srtpProfiles; // null: no use_srtp extension
  private final BlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(256);
  private final Consumer<byte[]> toServer;
  private volatile byte[] serverCertificateDer;
  private volatile boolean closeNotifyReceived;
  private Client client;

  BcDtlsClient(DtlsIdentity identity, int[] srtpProfiles, Consumer<byte[]> toServer) {
    this.identity = identity;
    this.srtpProfiles = srtpProfiles;
    this.toServer = toServer;
  }

  /** The server session's sender. */
  void deliver(byte[] datagram) {
    inbound.offer(datagram);
  }

  /** Blocking handshake with the BC default timeouts, bounded by {@code timeoutMillis}. */
  DTLSTransport connect(int timeoutMillis) throws IOException {
    client = new Client(timeoutMillis);
    return new DTLSClientProtocol().connect(client, new Transport());
  }

  /** BC allows the exporter only inside notifyHandshakeComplete(), so the client exports for every length there. */
  byte[] exportSrtpKeyingMaterial(int length) {
    byte[] material = client.exported.get(length);
    if (material == null) {
      throw new IllegalStateException("no keying material exported for length " + length);
    }
    return material;
  }

  int negotiatedSrtpProfile() throws IOException {
    UseSRTPData data = TlsSRTPUtils.getUseSRTPExtension(client.serverExtensions);
    return data.getProtectionProfiles()[0];
  }

  boolean closeNotifyReceived() {
    return closeNotifyReceived;
  }

  byte[] serverCertificateDer() {
    return serverCertificateDer;
  }

  private final class Client extends DefaultTlsClient {
    private final int timeoutMillis;
    private Hashtable<?, ?> serverExtensions;
    private final java.util.Map<Integer, byte[]> exported = new java.util.concurrent.ConcurrentHashMap<>();

    Client(int timeoutMillis) {
      super(CRYPTO);
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
      if (description == org.bouncycastle.tls.AlertDescription.close_notify) {
        closeNotifyReceived = true;
      }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      for (SrtpProfile p : SrtpProfile.values()) {
        int n = p.keyingMaterialLength();
        exported.put(n, context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, n));
      }
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
      return timeoutMillis;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
      Hashtable extensions = super.getClientExtensions();
      if (srtpProfiles != null) {
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(srtpProfiles, TlsUtils.EMPTY_BYTES));
      }
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
          if (identity == null) {
            return null;
          }
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
      toServer.accept(java.util.Arrays.copyOfRange(buf, off, off + len));
    }

    @Override
    public void close() {
    }
  }
}
