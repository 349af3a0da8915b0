package studio.tally.server.webrtc;

import java.time.Duration;
import studio.tally.webrtc.dtls.DtlsConfig;

/**
 * Limits of the WebRTC transport.
 *
 * @param consentTimeout a transport with no authenticated packet (STUN check, SRTP, SRTCP, DTLS
 *     record) for this long is closed ("consent expired"; RFC 7675 is the sender's duty, an ice-lite
 *     server only watches for life; browsers check every ~5 s, pion stops once media flows; SRS: 30 s)
 * @param dtls DTLS handshake limits and SRTP profile preference
 * @param maxTcpFrame the largest RFC 4571 frame accepted on TCP; a longer one closes the connection
 * @param maxUdpDatagram receive buffer per UDP datagram; longer datagrams are truncated by the OS
 *     read and then fail their checks
 */
public record RtcTransportConfig(Duration consentTimeout, DtlsConfig dtls, int maxTcpFrame, int maxUdpDatagram) {

  public static final RtcTransportConfig DEFAULT = new RtcTransportConfig(Duration.ofSeconds(30), DtlsConfig.DEFAULT,
      4096, 4096);

  public RtcTransportConfig {
    if (consentTimeout.isNegative() || consentTimeout.isZero()) {
      throw new IllegalArgumentException("consentTimeout must be positive: " + consentTimeout);
    }
    if (maxTcpFrame < 1 || maxTcpFrame > 0xFFFF) {
      throw new IllegalArgumentException("maxTcpFrame must be 1..65535: " + maxTcpFrame);
    }
    if (maxUdpDatagram < 1500 || maxUdpDatagram > 65_535) {
      throw new IllegalArgumentException("maxUdpDatagram must be 1500..65535: " + maxUdpDatagram);
    }
  }

  public RtcTransportConfig withConsentTimeout(Duration timeout) {
    return new RtcTransportConfig(timeout, dtls, maxTcpFrame, maxUdpDatagram);
  }

  public RtcTransportConfig withDtls(DtlsConfig d) {
    return new RtcTransportConfig(consentTimeout, d, maxTcpFrame, maxUdpDatagram);
  }
}
