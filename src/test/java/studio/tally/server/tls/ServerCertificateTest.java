package studio.tally.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
}
