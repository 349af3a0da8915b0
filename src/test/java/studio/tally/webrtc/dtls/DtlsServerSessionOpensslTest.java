package studio.tally.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.testing.PeerMissing;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * The session against a real peer: OpenSSL's {@code s_client -dtls1_2} over UDP on loopback. The test
 * owns the socket and bridges it to the session, as the ICE layer will.
 */
@ExtendWith(PeerReaper.class)
class DtlsServerSessionOpensslTest {

  private static final DtlsIdentity SERVER = DtlsIdentity.selfSigned("tally-dtls-server");
  private static final Pattern KEYING_MATERIAL = Pattern.compile("Keying material: ([0-9A-F]+)");
  private static final Pattern SRTP_PROFILE = Pattern.compile("SRTP Extension negotiated, profile=(\\S+)");

  @TempDir
  static Path dir;
  private static Path ecCert;
  private static Path ecKey;

  @BeforeAll
  static void clientIdentity() throws Exception {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new PeerMissing("openssl", "openssl", "openssl version failed");
      }
    } catch (IOException e) {
      throw new PeerMissing("openssl", "openssl", e.getMessage());
    }
    DtlsIdentity client = DtlsIdentity.selfSigned("openssl-client");
    ecCert = Files.writeString(dir.resolve("ec-client.pem"), ServerCertificate.toPem(client.leaf()));
    ecKey = Files.writeString(dir.resolve("ec-client-key.pem"),
        ServerCertificate.toPem(new JcaPKCS8Generator(client.key(), null).generate()));
  }

  /** One s_client run: what our session reported and what openssl printed. */
  private record Run(DtlsResult result, DtlsFailure failure, String opensslStdout) {
    String opensslKeyingMaterial() {
      Matcher m = KEYING_MATERIAL.matcher(opensslStdout);
      assertThat(m.find()).as("openssl printed keying material:\n" + opensslStdout).isTrue();
      return m.group(1);
    }

    String opensslProfile() {
      Matcher m = SRTP_PROFILE.matcher(opensslStdout);
      assertThat(m.find()).as("openssl printed the SRTP profile:\n" + opensslStdout).isTrue();
      return m.group(1);
    }
  }

  private Run handshake(DtlsConfig config, String srtpProfiles, Path cert, Path key, int exportLength) throws Exception {
    SessionHarness harness = new SessionHarness();
    AtomicReference<DtlsServerSession> session = new AtomicReference<>();
    try (DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
      Thread reader = Thread.ofPlatform().daemon().name("udp-bridge").start(() -> {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
          while (true) {
            buf.clear();
            SocketAddress from = channel.receive(buf);
            buf.flip();
            byte[] datagram = new byte[buf.remaining()];
            buf.get(datagram);
            if (session.get() == null) { // like ICE: the session starts when the peer is known
              session.set(DtlsServerSession.start(SERVER, config, null, d -> send(channel, d, from), harness,
                  harness.threadFactory));
            }
            session.get().onDatagram(datagram);
          }
        } catch (ClosedChannelException expected) {
          // test over
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-dtls1_2",
          "-connect", "127.0.0.1:" + port, "-keymatexport", "EXTRACTOR-dtls_srtp",
          "-keymatexportlen", Integer.toString(exportLength)));
      if (srtpProfiles != null) {
        command.addAll(List.of("-use_srtp", srtpProfiles));
      }
      if (cert != null) {
        command.addAll(List.of("-cert", cert.toString(), "-key", key.toString()));
      }
      PeerProcess openssl = PeerProcess.start("openssl-s_client", command);
      try {
        DtlsResult result = harness.result.get(15, TimeUnit.SECONDS);
        DtlsFailure failure = harness.failure.get(1, TimeUnit.SECONDS);
        String stdout = "";
        if (result != null) { // s_client prints its summary right after its Finished is acknowledged
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (!KEYING_MATERIAL.matcher(stdout).find() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            stdout = Files.readString(openssl.stdoutFile());
          }
        }
        return new Run(result, failure, stdout);
      } finally {
        openssl.stop();
        if (session.get() != null) {
          session.get().close();
          assertThat(session.get().awaitTermination(Duration.ofSeconds(2))).isTrue();
          assertThat(harness.threadsEnded(Duration.ofSeconds(1))).isTrue();
        }
        channel.close();
        reader.join(2_000);
      }
    }
  }

  private static void send(DatagramChannel channel, byte[] datagram, SocketAddress to) {
    try {
      channel.send(ByteBuffer.wrap(datagram), to);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String opensslFingerprint(Path cert) throws Exception {
    Process p = new ProcessBuilder("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).isZero();
    return out.substring(out.indexOf('=') + 1); // "sha256 Fingerprint=AB:CD:..."
  }

  @Test
  void bothProfilesOfferedGcmWinsAndKeysMatchOpenssl() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", ecCert, ecKey, 56);
    assertThat(run.failure()).isNull();
    assertThat(run.result().srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    assertThat(run.opensslProfile()).isEqualTo("SRTP_AEAD_AES_128_GCM");
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
    assertThat(run.result().peerFingerprintSha256()).isEqualTo(opensslFingerprint(ecCert));
    assertThat(run.result().verifyPeerFingerprint("sha-256", opensslFingerprint(ecCert))).isTrue();
  }

  @Test
  void aes128CmAlone() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AES128_CM_SHA1_80", ecCert, ecKey, 60);
    assertThat(run.result().srtpProfile()).isEqualTo(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    assertThat(run.opensslProfile()).isEqualTo("SRTP_AES128_CM_SHA1_80");
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
  }

  @Test
  void gcmAlone() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AEAD_AES_128_GCM", ecCert, ecKey, 56);
    assertThat(run.result().srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
  }

  @Test
  void serverPreferenceCmFirst() throws Exception {
    DtlsConfig cmFirst = DtlsConfig.DEFAULT.withSrtpProfiles(
        SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM);
    Run run = handshake(cmFirst, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", ecCert, ecKey, 60);
    assertThat(run.opensslProfile()).isEqualTo("SRTP_AES128_CM_SHA1_80");
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
  }

  @Test
  void rsaClientCertificate() throws Exception {
    Path cert = dir.resolve("rsa-client.pem");
    Path key = dir.resolve("rsa-client-key.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
        key.toString(), "-out", cert.toString(), "-subj", "/CN=rsa-client", "-days", "2")
        .redirectErrorStream(true).redirectOutput(dir.resolve("req.log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("req.log"))).isZero();
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AEAD_AES_128_GCM", cert, key, 56);
    assertThat(run.failure()).isNull();
    assertThat(run.result().peerFingerprintSha256()).isEqualTo(opensslFingerprint(cert));
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
  }

  @Test
  void noClientCertificateFails() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AEAD_AES_128_GCM", null, null, 56);
    assertThat(run.failure().reason()).isEqualTo(DtlsFailure.Reason.NO_CLIENT_CERTIFICATE);
  }

  @Test
  void noUseSrtpFails() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, null, ecCert, ecKey, 56);
    assertThat(run.failure().reason()).isEqualTo(DtlsFailure.Reason.NO_SRTP_PROFILE);
  }

  /** Not a benchmark (tests never assert timings): prints the handshake times for the record. */
  @Test
  void handshakeTimes() throws Exception {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", ecCert, ecKey, 56);
      micros.add(run.result().handshakeDuration().toNanos() / 1_000);
    }
    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf("DTLS handshake vs openssl s_client (ClientHello in -> Finished out), us: median %d, min %d,"
        + " max %d, runs %s%n", sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast(), micros);
  }
}
