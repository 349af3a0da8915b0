package studio.tally.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.proto.srtp.SrtpProfile;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerMissing;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * Our DTLS client role against a real server: OpenSSL's {@code s_server -dtls1_2 -use_srtp} over UDP on
 * loopback (FFmpeg's whip muxer is an OpenSSL DTLS server too). The test bridges a UDP socket to the session.
 */
@ExtendWith(PeerReaper.class)
class DtlsClientSessionOpensslTest {

  private static final DtlsIdentity US = DtlsIdentity.selfSigned("tally-dtls-client");
  private static final Pattern KEYING_MATERIAL = Pattern.compile("Keying material: ([0-9A-F]+)");
  private static final Pattern SRTP_PROFILE = Pattern.compile("SRTP Extension negotiated, profile=(\\S+)");

  @TempDir
  static Path dir;
  private static Path cert;
  private static Path key;

  @BeforeAll
  static void serverIdentity() throws Exception {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new PeerMissing("openssl", "openssl", "openssl version failed");
      }
    } catch (IOException e) {
      throw new PeerMissing("openssl", "openssl", e.getMessage());
    }
    DtlsIdentity server = DtlsIdentity.selfSigned("openssl-server");
    cert = Files.writeString(dir.resolve("ec-server.pem"), ServerCertificate.toPem(server.leaf()));
    key = Files.writeString(dir.resolve("ec-server-key.pem"),
        ServerCertificate.toPem(new JcaPKCS8Generator(server.key(), null).generate()));
  }

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

  private Run handshake(DtlsConfig config, String srtpProfiles, CertificateFingerprint expected, int exportLength)
      throws Exception {
    int port = FreePort.udp();
    List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-dtls1_2", "-accept", "127.0.0.1:" + port,
        "-cert", cert.toString(), "-key", key.toString(), "-verify", "1", "-use_srtp", srtpProfiles,
        "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", Integer.toString(exportLength)));
    PeerProcess openssl = PeerProcess.start("openssl-s_server", command);
    SessionHarness harness = new SessionHarness();
    DtlsClientSession session = null;
    try (DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      channel.connect(new InetSocketAddress("127.0.0.1", port));
      await("s_server listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> Files.readString(openssl.stdoutFile()).contains("ACCEPT"));
      session = DtlsClientSession.start(US, config, expected, d -> send(channel, d), harness, harness.threadFactory);
      DtlsClientSession s = session;
      Thread reader = Thread.ofPlatform().daemon().name("udp-bridge-client").start(() -> {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
          while (true) {
            buf.clear();
            channel.receive(buf);
            buf.flip();
            byte[] datagram = new byte[buf.remaining()];
            buf.get(datagram);
            s.onDatagram(datagram);
          }
        } catch (ClosedChannelException expectedAtEnd) {
          // test over
        } catch (IOException e) {
          // s_server gone (ICMP port unreachable): the session times out on its own
        }
      });
      DtlsResult result = harness.result.get(15, TimeUnit.SECONDS);
      DtlsFailure failure = harness.failure.get(1, TimeUnit.SECONDS);
      String stdout = "";
      if (result != null) { // s_server prints its summary once our Finished arrived
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> KEYING_MATERIAL.matcher(Files.readString(openssl.stdoutFile())).find());
        stdout = Files.readString(openssl.stdoutFile());
      }
      channel.close();
      reader.join(2_000);
      return new Run(result, failure, stdout);
    } finally {
      openssl.stop();
      if (session != null) {
        session.close();
        assertThat(session.awaitTermination(Duration.ofSeconds(2))).isTrue();
        assertThat(harness.threadsEnded(Duration.ofSeconds(1))).isTrue();
      }
    }
  }

  private static void send(DatagramChannel channel, byte[] datagram) {
    try {
      channel.write(ByteBuffer.wrap(datagram));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static CertificateFingerprint opensslFingerprint() throws Exception {
    Process p = new ProcessBuilder("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).isZero();
    return CertificateFingerprint.of("sha-256", out.substring(out.indexOf('=') + 1));
  }

  @Test
  void gcmPreferredByTheServerAndKeysMatchOpenssl() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", opensslFingerprint(), 56);
    assertThat(run.failure()).isNull();
    assertThat(run.result().srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    assertThat(run.opensslProfile()).isEqualTo("SRTP_AEAD_AES_128_GCM");
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
    // for the record, not asserted (tests never assert timings)
    System.out.printf("DTLS handshake as client vs openssl s_server (ClientHello out -> Finished in): %d us%n",
        run.result().handshakeDuration().toNanos() / 1_000);
  }

  @Test
  void aes128CmWhenTheServerOnlyHasIt() throws Exception {
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AES128_CM_SHA1_80", opensslFingerprint(), 60);
    assertThat(run.result()).as("failure: " + run.failure()).isNotNull();
    assertThat(run.result().srtpProfile()).isEqualTo(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    assertThat(HexFormat.of().withUpperCase().formatHex(run.result().keyingMaterial()))
        .isEqualTo(run.opensslKeyingMaterial());
  }

  @Test
  void serverCertificateNotMatchingTheSdpFingerprintFails() throws Exception {
    CertificateFingerprint other = CertificateFingerprint.compute("sha-256",
        DtlsIdentity.selfSigned("not-openssl").leaf().getEncoded());
    Run run = handshake(DtlsConfig.DEFAULT, "SRTP_AEAD_AES_128_GCM", other, 56);
    assertThat(run.failure().reason()).isEqualTo(DtlsFailure.Reason.FINGERPRINT_MISMATCH);
  }
}
