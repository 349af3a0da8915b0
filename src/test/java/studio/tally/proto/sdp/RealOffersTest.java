package studio.tally.proto.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

/** Offers and answers as real peers write them (checked-in resources): parse, check, write, parse again. */
class RealOffersTest {

  static String resource(String name) {
    return new String(TestVectors.bytes(RealOffersTest.class, name), StandardCharsets.UTF_8);
  }

  /** parse → encode → parse gives an equal model, and encoding is stable. */
  static SessionDescription roundTrip(String name) {
    String text = resource(name);
    SessionDescription d = SessionDescription.parse(text);
    String encoded = d.encode();
    SessionDescription again = SessionDescription.parse(encoded);
    assertEquals(d, again);
    assertEquals(encoded, again.encode());
    assertEquals(text, encoded, name + " is already in canonical order, so it round-trips byte for byte");
    return d;
  }

  @Test
  void chromiumOffer() {
    SessionDescription d = roundTrip("chromium-134-offer.sdp");
    assertEquals("-", d.origin().username());
    assertEquals("7421796427353447290", d.origin().sessionId());
    assertEquals(List.of("0", "1"), d.bundleMids());
    assertTrue(d.extmapAllowMixed());
    assertFalse(d.iceLite());
    assertEquals(2, d.media().size());

    MediaDescription audio = d.media().get(0);
    assertEquals("audio", audio.media());
    assertEquals(9, audio.port());
    assertEquals("UDP/TLS/RTP/SAVPF", audio.proto());
    assertEquals(List.of(111, 63, 9, 0, 8, 13, 110, 126), audio.payloadTypes());
    assertEquals("0", audio.mid().orElseThrow());
    assertEquals("Xq3b", audio.iceUfrag().orElseThrow());
    assertEquals("b6VgI0rY4YXnS2Jw8pQmLk1H", audio.icePwd().orElseThrow());
    assertEquals(List.of("trickle"), audio.iceOptions());
    assertEquals(Setup.ACTPASS, audio.setup().orElseThrow());
    Fingerprint fp = audio.fingerprint().orElseThrow();
    assertEquals("sha-256", fp.hashFunction());
    assertEquals(32, fp.bytes().length);
    assertEquals(0x7B, fp.bytes()[0] & 0xFF);
    assertTrue(audio.rtcpMux());
    assertTrue(audio.rtcpRsize());
    assertEquals(Direction.SENDONLY, audio.direction());
    assertEquals(new RtpMap(111, "opus", 48000, 2), audio.rtpMap(111).orElseThrow());
    assertEquals(new RtpMap(9, "G722", 8000, null), audio.rtpMap(9).orElseThrow());
    assertEquals(Map.of("minptime", "10", "useinbandfec", "1"), audio.fmtp(111).orElseThrow().parameters());
    assertEquals(new ExtMap(1, null, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", null), audio.extMaps().get(0));
    assertEquals(new Msid("5f2b7e1c-9a43-4d7e-8d2f-2b1f0c6a9e11", "0d6c7e0f-3b5a-4c1e-9f2d-8a7b6c5d4e3f"),
        audio.msid().orElseThrow());
    assertEquals(new SsrcAttribute(2231627014L, "cname", "4TOk42mSjXCkVIa6"), audio.ssrcs().get(0));
    List<Candidate> candidates = audio.candidates();
    assertEquals(2, candidates.size());
    assertEquals("3735136914", candidates.get(0).foundation());
    assertEquals(List.of(new Candidate.Extension("generation", "0"), new Candidate.Extension("network-id", "1")),
        candidates.get(0).extensions());
    assertEquals("active", candidates.get(1).tcpType());
    assertTrue(candidates.get(1).isTcp());

    List<Codec> audioCodecs = audio.codecs();
    assertEquals(List.of("opus", "red", "G722", "PCMU", "PCMA", "CN", "telephone-event", "telephone-event"),
        audioCodecs.stream().map(Codec::name).toList());
    assertEquals(2, audioCodecs.get(0).channels());
    assertTrue(audioCodecs.get(0).hasFeedback("transport-cc", null));

    MediaDescription video = d.media().get(1);
    assertEquals(23, video.payloadTypes().size());
    assertEquals(11, video.extMaps().size());
    List<Codec> codecs = video.codecs();
    assertEquals(List.of("VP8", "VP9", "VP9", "H264", "H264", "H264", "H264", "H264", "H264", "AV1", "red", "ulpfec"),
        codecs.stream().map(Codec::name).toList());
    Codec vp8 = codecs.get(0);
    assertEquals(96, vp8.payloadType());
    assertEquals(97, vp8.rtxPayloadType());
    assertEquals(5, vp8.feedback().size());
    assertTrue(vp8.hasFeedback("nack", "pli"));
    assertTrue(vp8.hasFeedback("ccm", "fir"));
    assertTrue(vp8.hasFeedback("goog-remb", null));
    Codec cb = codecs.stream().filter(c -> "42e01f".equals(c.parameters().get("profile-level-id"))
        && "1".equals(c.parameters().get("packetization-mode"))).findFirst().orElseThrow();
    assertEquals(106, cb.payloadType());
    assertEquals(107, cb.rtxPayloadType());
    assertEquals(117, codecs.get(10).rtxPayloadType()); // red's rtx
    assertNull(codecs.get(11).rtxPayloadType());
    assertEquals(List.of(new SsrcGroup("FID", List.of(1590128263L, 3853117281L))), video.ssrcGroups());
    assertEquals(4, video.ssrcs().size());
  }

  @Test
  void ffmpegWhipOfferWithFidGroupButNoRtxSsrc() {
    SessionDescription d = roundTrip("ffmpeg-8-whip-offer.sdp");
    assertEquals("FFmpegPublishSession", d.sessionName());
    assertEquals(" WMS", d.value("msid-semantic").orElseThrow()); // unknown attribute kept verbatim
    MediaDescription video = d.media().get(1);
    assertEquals(Setup.PASSIVE, video.setup().orElseThrow());
    assertEquals(List.of(new SsrcGroup("FID", List.of(3319127605L, 1207438823L))), video.ssrcGroups());
    assertTrue(video.ssrcs().stream().noneMatch(s -> s.ssrc() == 1207438823L), "FFmpeg omits the RTX a=ssrc");
    Codec h264 = video.codecs().get(0);
    assertEquals("H264", h264.name());
    assertEquals(107, h264.rtxPayloadType());
    assertEquals(H264Profiles.Profile.CONSTRAINED_BASELINE,
        H264Profiles.profileLevelId(h264.parameters()).profile().orElseThrow());
    assertEquals(new Msid("FFmpeg", "video"), video.msid().orElseThrow());
  }

  @Test
  void obsWhipOfferWithSessionLevelIceAndDtls() {
    SessionDescription d = roundTrip("obs-whip-offer.sdp");
    MediaDescription audio = d.media().get(0);
    assertTrue(audio.iceUfrag().isEmpty());
    assertEquals("n2Jf", d.iceUfrag(audio).orElseThrow());
    assertEquals("XtR4pW1qZ0yV8uC6bN3mK9", d.icePwd(audio).orElseThrow());
    assertEquals(Setup.ACTPASS, d.setup(audio).orElseThrow());
    assertEquals("sha-256", d.fingerprint(audio).orElseThrow().hashFunction());
    assertEquals(List.of("ice2", "trickle"), d.iceOptions(audio));
    assertEquals(List.of(new Group("BUNDLE", List.of("0", "1")), new Group("LS", List.of("0", "1"))), d.groups());
    assertEquals(Connection.ip4("198.18.0.1"), audio.connections().get(0));
    assertTrue(audio.endOfCandidates());
    assertEquals("UDP", audio.candidates().get(0).transport());
    assertTrue(audio.candidates().get(0).isUdp());
    assertEquals("fd00::1", audio.candidates().get(1).address());
    Codec h264 = d.media().get(1).codecs().get(0);
    assertEquals(Map.of("profile-level-id", "42e01f", "packetization-mode", "1", "level-asymmetry-allowed", "1"),
        h264.parameters());
  }

  @Test
  void srsAnswerIsIceLiteWithPassiveTcpCandidate() {
    SessionDescription d = roundTrip("srs-6-answer.sdp");
    assertTrue(d.iceLite());
    MediaDescription audio = d.media().get(0);
    assertEquals(Direction.RECVONLY, audio.direction());
    assertEquals(Setup.PASSIVE, audio.setup().orElseThrow());
    Candidate tcp = audio.candidates().get(1);
    assertEquals("tcp", tcp.transport());
    assertEquals("passive", tcp.tcpType());
    assertEquals(2130706431L, tcp.priority());
    assertEquals("198.18.0.2", tcp.address());
    assertEquals(8000, tcp.port());
    assertEquals("candidate:1 1 tcp 2130706431 198.18.0.2 8000 typ host tcptype passive generation 0",
        tcp.toAttribute().toString());
    assertEquals(new ExtMap(3, null, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", null),
        d.media().get(1).extMaps().get(0));
  }

  @Test
  void lfOnlyAndBlankLinesAreAccepted() {
    String crlf = resource("srs-6-answer.sdp");
    SessionDescription d = SessionDescription.parse(crlf);
    assertEquals(d, SessionDescription.parse(crlf.replace("\r\n", "\n")));
    assertEquals(d, SessionDescription.parse(crlf + "\r\n\r\n"));
  }
}
