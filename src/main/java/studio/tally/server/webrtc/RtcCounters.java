package studio.tally.server.webrtc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Server-wide WebRTC transport counters: what was dropped and why, for the API and the tests. */
public final class RtcCounters {
  /** Binding requests answered with success. */
  public final LongAdder stunSuccess = new LongAdder();
  /** Not STUN after all, unparseable, or a check without FINGERPRINT: dropped. */
  public final LongAdder stunMalformed = new LongAdder();
  /** USERNAME of no registered transport: dropped silently (no oracle for valid ufrags). */
  public final LongAdder stunUnknownUsername = new LongAdder();
  /** 400: a check without USERNAME or MESSAGE-INTEGRITY. */
  public final LongAdder stunBadRequest = new LongAdder();
  /** 401: MESSAGE-INTEGRITY did not verify with the transport's password. */
  public final LongAdder stunUnauthorized = new LongAdder();
  /** 420: unknown comprehension-required attributes. */
  public final LongAdder stunUnknownAttribute = new LongAdder();
  /** 487: the peer claimed the controlled role too. */
  public final LongAdder stunRoleConflict = new LongAdder();
  /** Indications, responses and non-Binding requests: ignored. */
  public final LongAdder stunIgnored = new LongAdder();
  /** DTLS or SRTP from a source that passed no check: dropped. */
  public final LongAdder unknownSource = new LongAdder();
  /** Packets that are neither STUN, DTLS nor RTP/RTCP by their first byte (RFC 7983): dropped. */
  public final LongAdder unknownKind = new LongAdder();
  /** TCP connections closed for an RFC 4571 frame above the limit. */
  public final LongAdder tcpOversizedFrame = new LongAdder();
  /** TCP connections closed because no valid check bound them to a transport within the consent timeout. */
  public final LongAdder tcpUnbound = new LongAdder();
  public final LongAdder transportsCreated = new LongAdder();
  public final LongAdder transportsClosed = new LongAdder();
  public final LongAdder consentExpired = new LongAdder();
  /** Datagrams the kernel refused from the UDP socket's send batch (send buffer full, unreachable destination). */
  public final LongAdder udpSendDropped = new LongAdder();

  /** Every counter by a snake_case name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("rtc_stun_success", stunSuccess.sum());
    m.put("rtc_stun_malformed", stunMalformed.sum());
    m.put("rtc_stun_unknown_username", stunUnknownUsername.sum());
    m.put("rtc_stun_bad_request", stunBadRequest.sum());
    m.put("rtc_stun_unauthorized", stunUnauthorized.sum());
    m.put("rtc_stun_unknown_attribute", stunUnknownAttribute.sum());
    m.put("rtc_stun_role_conflict", stunRoleConflict.sum());
    m.put("rtc_stun_ignored", stunIgnored.sum());
    m.put("rtc_unknown_source", unknownSource.sum());
    m.put("rtc_unknown_kind", unknownKind.sum());
    m.put("rtc_tcp_oversized_frame", tcpOversizedFrame.sum());
    m.put("rtc_tcp_unbound", tcpUnbound.sum());
    m.put("rtc_transports_created", transportsCreated.sum());
    m.put("rtc_transports_closed", transportsClosed.sum());
    m.put("rtc_consent_expired", consentExpired.sum());
    m.put("rtc_udp_send_dropped", udpSendDropped.sum());
    return m;
  }
}
