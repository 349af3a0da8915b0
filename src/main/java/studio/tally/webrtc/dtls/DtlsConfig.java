package studio.tally.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import java.time.Duration;
import java.util.List;

/**
 * Limits and preferences of one DTLS session (either role).
 *
 * @param handshakeTimeout from session start to the end of the handshake; then the session fails with
 *     {@link DtlsFailure.Reason#TIMEOUT} (30 s by default: four lost ClientHellos or a flight lost
 *     several times must not end a session)
 * @param srtpProfiles the SRTP profiles we accept, most preferred first; as server the first one the
 *     client also offers wins, whatever the client's own order (RFC 5764 §4.1.1 lets the server
 *     choose); as client we offer them in this order and take the server's pick
 * @param mtu the largest datagram we send; BouncyCastle fragments handshake messages to fit
 *     (1200 keeps a flight inside any path MTU the way browsers do)
 * @param maxDatagramSize datagrams longer than this are dropped unread
 * @param queueCapacity datagrams waiting for the handshake thread; more are dropped and counted
 */
public record DtlsConfig(
    Duration handshakeTimeout, List<SrtpProfile> srtpProfiles, int mtu, int maxDatagramSize, int queueCapacity) {

  public static final DtlsConfig DEFAULT = new DtlsConfig(
      Duration.ofSeconds(30), List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80),
      1200, 16_384, 64);

  public DtlsConfig {
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
    }
    srtpProfiles = List.copyOf(srtpProfiles);
    if (srtpProfiles.isEmpty()) {
      throw new IllegalArgumentException("srtpProfiles is empty");
    }
    if (mtu < 256 || mtu > 65_507) {
      throw new IllegalArgumentException("mtu out of range [256, 65507]: " + mtu);
    }
    if (maxDatagramSize < mtu || maxDatagramSize > 65_535) {
      throw new IllegalArgumentException("maxDatagramSize out of range [mtu, 65535]: " + maxDatagramSize);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be positive: " + queueCapacity);
    }
  }

  public DtlsConfig withHandshakeTimeout(Duration timeout) {
    return new DtlsConfig(timeout, srtpProfiles, mtu, maxDatagramSize, queueCapacity);
  }

  public DtlsConfig withSrtpProfiles(SrtpProfile... profiles) {
    return new DtlsConfig(handshakeTimeout, List.of(profiles), mtu, maxDatagramSize, queueCapacity);
  }

  public DtlsConfig withMtu(int newMtu) {
    return new DtlsConfig(handshakeTimeout, srtpProfiles, newMtu, maxDatagramSize, queueCapacity);
  }
}
