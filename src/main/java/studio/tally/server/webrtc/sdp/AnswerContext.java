package studio.tally.server.webrtc.sdp;

import java.util.List;
import studio.tally.proto.sdp.Fingerprint;
import studio.tally.server.tls.ServerCertificate;

/**
 * Everything the answer needs besides the offer.
 *
 * @param role        PUBLISH (WHIP, we receive) or PLAY (WHEP, we send)
 * @param ice         our ICE credentials for this session ({@link LocalIceCredentials#random()})
 * @param fingerprint our DTLS certificate's fingerprint ({@link #fingerprintOf})
 * @param candidates  our host candidates, in preference order ({@link RtcProtocol#candidates})
 * @param source      for PLAY, what the publisher sends and our SSRCs; null for PUBLISH
 * @param sessionId   the answer's {@code o=} sess-id, digits (the caller's random, or fixed in tests)
 */
public record AnswerContext(Role role, LocalIceCredentials ice, Fingerprint fingerprint, List<CandidateAddress> candidates,
    PlaySource source, String sessionId) {

  public AnswerContext {
    if (role == null || ice == null || fingerprint == null) {
      throw new IllegalArgumentException("role, ice and fingerprint are required");
    }
    candidates = List.copyOf(candidates);
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("an ice-lite answer needs at least one candidate");
    }
    if (role == Role.PLAY && source == null) {
      throw new IllegalArgumentException("PLAY needs the source's codecs and our SSRCs");
    }
    if (role == Role.PUBLISH && source != null) {
      throw new IllegalArgumentException("PUBLISH takes no play source");
    }
    if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 20
        || !sessionId.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("session id must be 1–20 digits");
    }
  }

  public static AnswerContext publish(LocalIceCredentials ice, Fingerprint fingerprint, List<CandidateAddress> candidates) {
    return new AnswerContext(Role.PUBLISH, ice, fingerprint, candidates, null, randomSessionId());
  }

  public static AnswerContext play(LocalIceCredentials ice, Fingerprint fingerprint, List<CandidateAddress> candidates,
      PlaySource source) {
    return new AnswerContext(Role.PLAY, ice, fingerprint, candidates, source, randomSessionId());
  }

  /** The same context with a fixed {@code o=} sess-id (stable answers in tests). */
  public AnswerContext withSessionId(String id) {
    return new AnswerContext(role, ice, fingerprint, candidates, source, id);
  }

  /** {@code sha-256} and the leaf certificate's digest. */
  public static Fingerprint fingerprintOf(ServerCertificate certificate) {
    return new Fingerprint("sha-256", certificate.sha256Fingerprint());
  }

  /** JSEP (RFC 9429 §5.2.1): a random 62-bit positive number. */
  private static String randomSessionId() {
    return Long.toString(new java.security.SecureRandom().nextLong() >>> 2);
  }
}
