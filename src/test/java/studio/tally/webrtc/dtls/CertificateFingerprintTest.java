package studio.tally.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import studio.tally.server.tls.ServerCertificate;

class CertificateFingerprintTest {

  private static final DtlsIdentity CERT = DtlsIdentity.selfSigned("fp");

  @Test
  void roundTripsTheSdpAttributeOfOurOwnCertificate() throws Exception {
    CertificateFingerprint fp = CertificateFingerprint.parse("sha-256 " + CERT.sha256Fingerprint());
    assertThat(fp.hashFunction()).isEqualTo("sha-256");
    assertThat(fp.hex()).isEqualTo(CERT.sha256Fingerprint());
    assertThat(fp.toSdpValue()).isEqualTo("sha-256 " + CERT.sha256Fingerprint());
    assertThat(fp.matches(CERT.leaf().getEncoded())).isTrue();
    assertThat(fp).isEqualTo(CertificateFingerprint.compute("SHA-256", CERT.leaf().getEncoded()));
    assertThat(CertificateFingerprint.parse("  SHA-256   " + CERT.sha256Fingerprint().toLowerCase() + " \r"))
        .isEqualTo(fp);
  }

  @Test
  void rejectsMalformedValuesWithTheFieldInTheMessage() {
    assertThatThrownBy(() -> CertificateFingerprint.parse("sha-256")).hasMessageContaining("<hash-func> <hex>");
    assertThatThrownBy(() -> CertificateFingerprint.parse("md5 00:11")).hasMessageContaining("md5");
    assertThatThrownBy(() -> CertificateFingerprint.parse("sha-256 ZZ")).hasMessageContaining("not hex");
    assertThatThrownBy(() -> CertificateFingerprint.parse("sha-256 00:11")).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> CertificateFingerprint.parse("sha-1 " + CERT.sha256Fingerprint()))
        .hasMessageContaining("20 bytes");
  }

  @Test
  void digestIsDefensivelyCopied() throws Exception {
    CertificateFingerprint fp = CertificateFingerprint.compute("sha-1", CERT.leaf().getEncoded());
    fp.digest()[0] ^= 1;
    assertThat(fp.matches(CERT.leaf().getEncoded())).isTrue();
  }
}
