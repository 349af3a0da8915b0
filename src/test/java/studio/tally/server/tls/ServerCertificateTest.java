package studio.tally.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {

  @Test
  void generatedOnFirstUseThenReloadedUnchanged(@TempDir Path dir) throws IOException {
    ServerCertificate first = ServerCertificate.loadOrCreate(dir);
    assertThat(first.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(first.sha256Fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(Files.readString(dir.resolve(ServerCertificate.KEY_FILE))).startsWith("-----BEGIN PRIVATE KEY-----");

    ServerCertificate again = ServerCertificate.loadOrCreate(dir);
    assertThat(again.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint());
    assertThat(again.key().getEncoded()).isEqualTo(first.key().getEncoded());
  }

  @Test
  void badPemFilesGiveAClearError(@TempDir Path dir) throws IOException {
    Path cert = Files.writeString(dir.resolve("c.pem"), "not a certificate");
    Path key = Files.writeString(dir.resolve("k.pem"), "nope");
    assertThatThrownBy(() -> ServerCertificate.load(cert, key))
        .isInstanceOf(IOException.class).hasMessageContaining("c.pem");
    ServerCertificate good = ServerCertificate.loadOrCreate(dir.resolve("good"));
    Path goodCert = dir.resolve("good").resolve(ServerCertificate.CERT_FILE);
    assertThatThrownBy(() -> ServerCertificate.load(goodCert, key))
        .isInstanceOf(IOException.class).hasMessageContaining("k.pem");
    assertThat(good.chain()).hasSize(1);
  }

  /** Key and certificate files as openssl writes them (the openssl command line, a real peer). */
  @Test
  void readsWhatOpensslWritesAndAChain(@TempDir Path dir) throws Exception {
    Path sec1 = dir.resolve("sec1.pem");
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
    assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    Path leafPem = dir.resolve("leaf.pem");
    openssl(dir, "req", "-x509", "-key", sec1.toString(), "-subj", "/CN=leaf", "-days", "2", "-out", leafPem.toString());
    Path pkcs8 = dir.resolve("p8.pem");
    openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", sec1.toString(), "-out", pkcs8.toString());
    assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN PRIVATE KEY-----");
    Path rsa1 = dir.resolve("rsa1.pem");
    openssl(dir, "genrsa", "-traditional", "-out", rsa1.toString(), "2048");
    assertThat(Files.readString(rsa1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    Path rsa8 = dir.resolve("rsa8.pem");
    openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", rsa1.toString(), "-out", rsa8.toString());
    Path encrypted = dir.resolve("enc.pem");
    openssl(dir, "pkcs8", "-topk8", "-passout", "pass:secret", "-in", sec1.toString(), "-out", encrypted.toString());

    // a chain as openssl's pkcs12 export writes it: "Bag Attributes" and subject lines around each block
    ServerCertificate intermediate = ServerCertificate.selfSigned("intermediate", java.time.Duration.ofDays(1));
    Path chain = Files.writeString(dir.resolve("chain.pem"), "Bag Attributes\n    friendlyName: x\nsubject=/CN=leaf\n"
        + Files.readString(leafPem) + "subject=/CN=intermediate\n" + ServerCertificate.toPem(intermediate.leaf()));

    ServerCertificate fromSec1 = ServerCertificate.load(chain, sec1);
    assertThat(fromSec1.chain()).extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=leaf", "CN=intermediate");
    ServerCertificate fromPkcs8 = ServerCertificate.load(leafPem, pkcs8);
    // the same key either way (the two encodings differ in whether the curve is repeated inside)
    assertThat(((java.security.interfaces.ECPrivateKey) fromPkcs8.key()).getS())
        .isEqualTo(((java.security.interfaces.ECPrivateKey) fromSec1.key()).getS());
    assertThat(((java.security.interfaces.RSAPrivateKey) ServerCertificate.load(leafPem, rsa1).key()).getPrivateExponent())
        .isEqualTo(((java.security.interfaces.RSAPrivateKey) ServerCertificate.load(leafPem, rsa8).key()).getPrivateExponent());

    // each key type completes a real TLS handshake with the JDK's client through keyManager()
    Path rsaCert = dir.resolve("rsa-cert.pem");
    openssl(dir, "req", "-x509", "-key", rsa1.toString(), "-subj", "/CN=rsa", "-days", "2", "-out", rsaCert.toString());
    Path edKey = dir.resolve("ed.pem");
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", edKey.toString());
    Path edCert = dir.resolve("ed-cert.pem");
    openssl(dir, "req", "-x509", "-key", edKey.toString(), "-subj", "/CN=ed", "-days", "2", "-out", edCert.toString());
    for (ServerCertificate identity : List.of(fromSec1, ServerCertificate.load(rsaCert, rsa8),
        ServerCertificate.load(edCert, edKey))) {
      assertThat(handshake(identity)).as(identity.key().getAlgorithm())
          .isEqualTo(identity.leaf().getSubjectX500Principal());
    }

    assertThatThrownBy(() -> ServerCertificate.load(chain, encrypted))
        .isInstanceOf(IOException.class).hasMessageContaining("enc.pem").hasMessageContaining("ENCRYPTED");
    Path garbageKey = Files.writeString(dir.resolve("g.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ServerCertificate.load(chain, garbageKey))
        .isInstanceOf(IOException.class).hasMessageContaining("g.pem");
    Path garbageCert = Files.writeString(dir.resolve("gc.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> ServerCertificate.load(garbageCert, pkcs8))
        .isInstanceOf(IOException.class).hasMessageContaining("gc.pem");
  }

  /** A TLS handshake in memory, the JDK's client (trusting anything) against {@code identity}; the peer seen. */
  private static javax.security.auth.x500.X500Principal handshake(ServerCertificate identity) throws Exception {
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(new KeyManager[] {identity.keyManager()}, new TrustManager[0], null);
    SSLContext clientContext = studio.tally.server.TrustAll.context();
    SSLEngine server = serverContext.createSSLEngine();
    server.setUseClientMode(false);
    SSLEngine client = clientContext.createSSLEngine("localhost", 443);
    client.setUseClientMode(true);
    int size = 64 * 1024;
    ByteBuffer toServer = ByteBuffer.allocate(size);
    ByteBuffer toClient = ByteBuffer.allocate(size);
    ByteBuffer app = ByteBuffer.allocate(size);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 50 && !(done(client) && done(server)); round++) {
      step(client, empty, toServer, toClient, app);
      step(server, empty, toClient, toServer, app);
    }
    assertThat(done(client) && done(server)).as("handshake finished").isTrue();
    return (javax.security.auth.x500.X500Principal) client.getSession().getPeerPrincipal();
  }

  private static boolean done(SSLEngine e) {
    var s = e.getHandshakeStatus();
    return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** One engine's turn: read what the other sent, run its tasks, write what it has to send. */
  private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws Exception {
    in.flip();
    while (in.hasRemaining()) {
      SSLEngineResult r = e.unwrap(in, app);
      runTasks(e);
      if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
        break;
      }
    }
    in.compact();
    while (e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
      e.wrap(empty, out);
      runTasks(e);
    }
    runTasks(e);
  }

  private static void runTasks(SSLEngine e) {
    for (Runnable task = e.getDelegatedTask(); task != null; task = e.getDelegatedTask()) {
      task.run();
    }
  }

  private static void openssl(Path dir, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl"));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("openssl %s: %s", String.join(" ", args), out).isZero();
  }
}
