package studio.tally.server.webrtc.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;
import studio.tally.proto.sdp.Candidate;
import studio.tally.proto.sdp.Fingerprint;
import studio.tally.proto.sdp.MediaDescription;
import studio.tally.proto.sdp.SessionDescription;
import studio.tally.proto.sdp.Setup;
import studio.tally.webrtc.dtls.DtlsRole;
import studio.tally.server.webrtc.sdp.Negotiated.Kind;
import studio.tally.server.webrtc.sdp.Negotiated.RemoteSsrc;
import studio.tally.server.webrtc.sdp.NegotiationException.Reason;

/** The answerer against offers real peers wrote (checked in under proto/sdp and here). */
class SdpAnswererTest {

  static final LocalIceCredentials ICE = new LocalIceCredentials("tAlLy123", "0123456789abcdefABCDEF0123456789");
  static final Fingerprint OUR_FP = new Fingerprint("sha-256",
      "3C:9F:0A:64:E2:1B:87:D5:4E:C0:32:A9:7F:16:BD:58:E3:0C:91:6A:2F:D4:85:B7:49:EE:13:70:CA:5D:06:F8");
  static final List<CandidateAddress> ALL = RtcProtocol.ALL.candidates(List.of("198.18.0.2"), 8000, 8000);

  static String proto(String name) {
    return new String(TestVectors.bytes(SessionDescription.class, name), StandardCharsets.UTF_8);
  }

  static String local(String name) {
    return new String(TestVectors.bytes(SdpAnswererTest.class, name), StandardCharsets.UTF_8);
  }

  static AnswerContext publish() {
    return new AnswerContext(Role.PUBLISH, ICE, OUR_FP, ALL, null, "1000000000000000001");
  }

  static PlaySource h264Opus(Long rtxSsrc) {
    return new PlaySource("live-cam1", "tally", PlaySource.Track.opus(1111, "audio0"),
        PlaySource.Track.h264("42e01f", 2222, rtxSsrc, "video0"));
  }

  static AnswerContext play(PlaySource source) {
    return new AnswerContext(Role.PLAY, ICE, OUR_FP, ALL, source, "1000000000000000002");
  }

  /** The answer text parses with our own parser and gives the same model back. */
  static SessionDescription reparsed(Negotiated n) {
    SessionDescription again = SessionDescription.parse(n.answer().encode());
    assertEquals(n.answer(), again);
    return again;
  }

  static NegotiationException fails(String offer, AnswerContext ctx, Reason reason) {
    NegotiationException e = assertThrows(NegotiationException.class, () -> SdpAnswerer.answer(offer, ctx));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void chromiumPublish() {
    Negotiated n = SdpAnswerer.answer(proto("chromium-134-offer.sdp"), publish());
    SessionDescription a = reparsed(n);
    assertTrue(a.iceLite());
    assertEquals(List.of("0", "1"), a.bundleMids());
    MediaDescription audio = a.media().get(0);
    MediaDescription video = a.media().get(1);
    assertEquals(List.of("111"), audio.formats());
    assertEquals("minptime=10;useinbandfec=1", audio.fmtp(111).orElseThrow().parameterText());
    assertEquals(List.of("106", "107"), video.formats(), "H.264 42e01f pm=1 and its RTX");
    assertEquals("106", video.fmtp(107).orElseThrow().parameters().get("apt"));
    for (MediaDescription m : a.media()) {
      assertEquals(Setup.PASSIVE, m.setup().orElseThrow());
      assertEquals("recvonly", m.direction().token());
      assertTrue(m.rtcpMux() && m.rtcpRsize());
      assertEquals(OUR_FP, m.fingerprint().orElseThrow());
      assertEquals(ICE.ufrag(), m.iceUfrag().orElseThrow());
      assertTrue(m.endOfCandidates());
      List<Candidate> c = m.candidates();
      assertEquals(2, c.size());
      assertTrue(c.get(0).isUdp() && c.get(0).tcpType() == null);
      assertTrue(c.get(1).isTcp() && "passive".equals(c.get(1).tcpType()));
      assertEquals(2130706431L, c.get(0).priority(), "RFC 8445: 126 << 24 | 65535 << 8 | 255");
      assertTrue(c.get(1).priority() < c.get(0).priority());
      Set<String> ext = m.media().equals("audio")
          ? Set.of(SdpAnswerer.EXT_MID, SdpAnswerer.EXT_TRANSPORT_CC, SdpAnswerer.EXT_ABS_SEND_TIME,
              SdpAnswerer.EXT_AUDIO_LEVEL)
          : Set.of(SdpAnswerer.EXT_MID, SdpAnswerer.EXT_TRANSPORT_CC, SdpAnswerer.EXT_ABS_SEND_TIME);
      assertEquals(ext, Set.copyOf(m.extMaps().stream().map(e -> e.uri()).toList()));
    }
    assertEquals(5, video.rtcpFbs().size());
    assertEquals(1, audio.rtcpFbs().size());

    Negotiated.Media v = n.video().orElseThrow();
    assertEquals(Kind.VIDEO, v.kind());
    assertEquals("1", v.mid());
    assertEquals(106, v.codec().payloadType());
    assertEquals("H264", v.codec().name());
    assertEquals("42e01f", v.codec().fmtp().get("profile-level-id"));
    assertEquals(107, v.rtxPayloadType());
    assertEquals(Set.of(Feedback.values()), v.feedback());
    assertEquals(Map.of(SdpAnswerer.EXT_MID, 4, SdpAnswerer.EXT_TRANSPORT_CC, 3, SdpAnswerer.EXT_ABS_SEND_TIME, 2),
        v.extensions());
    assertEquals(List.of(new RemoteSsrc(1590128263L, 3853117281L, "4TOk42mSjXCkVIa6")), v.remoteSsrcs());
    Negotiated.Media au = n.audio().orElseThrow();
    assertEquals(111, au.codec().payloadType());
    assertEquals(2, au.codec().channels());
    assertNull(au.rtxPayloadType());
    assertEquals(Set.of(Feedback.TRANSPORT_CC), au.feedback());
    assertEquals(1, au.extensionId(SdpAnswerer.EXT_AUDIO_LEVEL).orElseThrow()); // forwarded to players
    assertEquals(List.of(new RemoteSsrc(2231627014L, null, "4TOk42mSjXCkVIa6")), au.remoteSsrcs());
    assertEquals("Xq3b", n.remote().iceUfrag());
    assertEquals("b6VgI0rY4YXnS2Jw8pQmLk1H", n.remote().icePwd());
    assertEquals("sha-256", n.remote().fingerprint().hashFunction());
    assertTrue(n.remote().fingerprint().fingerprint().startsWith("7B:3D"));
    assertEquals(Setup.ACTPASS, n.remote().setup());
    assertTrue(n.rejected().isEmpty());
  }

  /** Byte-stable: any change to the answer shows up as a diff of this file in review. */
  @Test
  void chromiumPublishAnswerIsGolden() throws Exception {
    String answer = SdpAnswerer.answer(proto("chromium-134-offer.sdp"), publish()).answer().encode();
    if (Boolean.getBoolean("tally.golden.update")) {
      java.nio.file.Files.writeString(java.nio.file.Path.of(
          "src/test/resources/studio/tally/server/webrtc/sdp/chromium-134-publish-answer.sdp"), answer);
    }
    assertEquals(local("chromium-134-publish-answer.sdp"), answer);
  }

  @Test
  void udpOnlyAndTcpOnlyCandidates() {
    AnswerContext udp = new AnswerContext(Role.PUBLISH, ICE, OUR_FP,
        RtcProtocol.UDP.candidates(List.of("198.18.0.2", "198.18.0.3"), 8000, 8443), null, "1");
    List<Candidate> c = SdpAnswerer.answer(proto("chromium-134-offer.sdp"), udp).answer().media().get(0).candidates();
    assertEquals(2, c.size());
    assertTrue(c.stream().allMatch(Candidate::isUdp));
    AnswerContext tcp = new AnswerContext(Role.PUBLISH, ICE, OUR_FP,
        RtcProtocol.parse("TCP").candidates(List.of("198.18.0.2"), 8000, 8443), null, "1");
    c = SdpAnswerer.answer(proto("chromium-134-offer.sdp"), tcp).answer().media().get(0).candidates();
    assertEquals(1, c.size());
    assertEquals("1 1 tcp 2124414975 198.18.0.2 8443 typ host tcptype passive", c.get(0).value());
  }

  @Test
  void ffmpegWhipOffer() {
    Negotiated n = SdpAnswerer.answer(proto("ffmpeg-8-whip-offer.sdp"), publish());
    reparsed(n);
    Negotiated.Media v = n.video().orElseThrow();
    assertEquals(106, v.codec().payloadType());
    assertEquals(107, v.rtxPayloadType());
    assertEquals(Set.of(Feedback.NACK, Feedback.NACK_PLI), v.feedback());
    assertEquals(List.of(new RemoteSsrc(3319127605L, 1207438823L, "FFmpeg")), v.remoteSsrcs(),
        "FID without an a=ssrc for the RTX SSRC still pairs them");
    assertEquals(List.of(new RemoteSsrc(2850187216L, null, "FFmpeg")), n.audio().orElseThrow().remoteSsrcs());
    assertEquals(111, n.audio().orElseThrow().codec().payloadType());
    assertEquals(Setup.PASSIVE, n.remote().setup(), "FFmpeg 8.1 wants to be the DTLS server");
    assertEquals(DtlsRole.CLIENT, n.remote().dtlsRole());
    for (MediaDescription m : n.answer().media()) {
      assertEquals(Setup.ACTIVE, m.setup().orElseThrow(), "RFC 5763 §5: a passive offer is answered active");
    }
    assertTrue(n.answer().media().get(1).extMaps().isEmpty());
    assertFalse(n.answer().media().get(0).rtcpRsize(), "not offered for audio");
    assertTrue(n.answer().media().get(1).rtcpRsize());
  }

  @Test
  void obsOffer() {
    Negotiated n = SdpAnswerer.answer(proto("obs-whip-offer.sdp"), publish());
    SessionDescription a = reparsed(n);
    assertEquals(List.of("0", "1"), a.bundleMids());
    Negotiated.Media v = n.video().orElseThrow();
    assertEquals(96, v.codec().payloadType());
    assertNull(v.rtxPayloadType());
    assertEquals(Set.of(Feedback.NACK, Feedback.NACK_PLI, Feedback.GOOG_REMB), v.feedback());
    assertEquals("n2Jf", n.remote().iceUfrag(), "session-level credentials (libdatachannel)");
    assertEquals(Setup.ACTPASS, n.remote().setup());
    assertEquals("1", n.audio().orElseThrow().codec().fmtp().get("stereo"));
  }

  @Test
  void whepPlayChromium() {
    Negotiated n = SdpAnswerer.answer(local("chromium-134-whep-offer.sdp"), play(h264Opus(3333L)));
    SessionDescription a = reparsed(n);
    MediaDescription video = a.media().get(1);
    assertEquals("sendonly", video.direction().token());
    assertEquals(List.of("106", "107"), video.formats());
    assertEquals("live-cam1", video.msid().orElseThrow().streamId());
    assertEquals("video0", video.msid().orElseThrow().trackId());
    assertEquals("FID", video.ssrcGroups().getFirst().semantics());
    assertEquals(List.of(2222L, 3333L), video.ssrcGroups().getFirst().ssrcs());
    assertTrue(video.ssrcs().stream().anyMatch(s -> s.ssrc() == 3333 && s.attribute().equals("cname")
        && s.value().equals("tally")));
    MediaDescription audio = a.media().get(0);
    assertEquals("sendonly", audio.direction().token());
    assertEquals(List.of("111"), audio.formats());
    assertTrue(audio.ssrcGroups().isEmpty());
    assertEquals(List.of(1111L, 1111L), audio.ssrcs().stream().map(s -> s.ssrc()).toList());
    assertTrue(n.video().orElseThrow().remoteSsrcs().isEmpty());
  }

  @Test
  void whepPlayWithoutRtxSsrcNegotiatesNoRtx() {
    Negotiated n = SdpAnswerer.answer(local("chromium-134-whep-offer.sdp"), play(h264Opus(null)));
    assertEquals(List.of("106"), n.answer().media().get(1).formats());
    assertNull(n.video().orElseThrow().rtxPayloadType());
    assertTrue(n.answer().media().get(1).ssrcGroups().isEmpty());
  }

  @Test
  void whepPlayerWithOnlyVp8CannotTakeH264() {
    String vp8Only = local("chromium-134-whep-offer.sdp").replaceFirst(
        "m=video 9 UDP/TLS/RTP/SAVPF [0-9 ]+\r\n", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99\r\n");
    NegotiationException e = fails(vp8Only, play(h264Opus(3333L)), Reason.NO_COMMON_CODEC);
    assertEquals("sdp negotiation: player cannot decode H264 42e01f; it offered: VP8, VP9", e.getMessage());
  }

  @Test
  void whepPlayOfBaselineOnlyPlayerGetsBaselinePt() {
    String baseline = local("chromium-134-whep-offer.sdp").replaceFirst(
        "m=video 9 UDP/TLS/RTP/SAVPF [0-9 ]+\r\n", "m=video 9 UDP/TLS/RTP/SAVPF 102 103\r\n");
    Negotiated n = SdpAnswerer.answer(baseline, play(h264Opus(3333L)));
    assertEquals(102, n.video().orElseThrow().codec().payloadType(), "a Baseline decoder decodes Constrained Baseline");
  }

  @Test
  void sourceWithoutAudioRejectsThePlayersAudioLine() {
    PlaySource videoOnly = new PlaySource("s", "c", null, PlaySource.Track.h264("42e01f", 5, null, "v"));
    Negotiated n = SdpAnswerer.answer(local("chromium-134-whep-offer.sdp"), play(videoOnly));
    assertEquals(0, n.answer().media().get(0).port());
    assertEquals(List.of("1"), n.answer().bundleMids());
    assertEquals("the source has no audio", n.rejected().getFirst().why());
    assertTrue(n.answer().media().get(0).rtpMap(111).isPresent(), "pion 3.1 needs the rejected format's rtpmap");
  }

  @Test
  void playOfferThatSendsIsRefused() {
    fails(proto("chromium-134-offer.sdp"), play(h264Opus(3333L)), Reason.BAD_DIRECTION);
    fails(local("chromium-134-whep-offer.sdp"), publish(), Reason.BAD_DIRECTION);
  }

  @Test
  void dataChannelAndThirdVideoAreRejectedWithPortZero() {
    String offer = proto("chromium-134-offer.sdp").replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2 3")
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n"
        + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:3\r\na=sendonly\r\na=rtcp-mux\r\n"
        + "a=rtpmap:96 VP8/90000\r\n";
    Negotiated n = SdpAnswerer.answer(offer, publish());
    SessionDescription a = reparsed(n);
    assertEquals(List.of("0", "1"), a.bundleMids());
    assertEquals(4, a.media().size());
    assertEquals(0, a.media().get(2).port());
    assertEquals("2", a.media().get(2).mid().orElseThrow());
    assertEquals(List.of("webrtc-datachannel"), a.media().get(2).formats());
    assertEquals(0, a.media().get(3).port());
    assertEquals(2, n.media().size());
    assertEquals(List.of(2, 3), n.rejected().stream().map(Negotiated.Rejected::index).toList());
  }

  @Test
  void offerWithoutRtcpMux() {
    String offer = proto("chromium-134-offer.sdp").replace("a=rtcp-mux\r\n", "");
    NegotiationException e = fails(offer, publish(), Reason.NO_RTCP_MUX);
    assertTrue(e.getMessage().contains("m-line 0 (audio, mid 0) has no a=rtcp-mux"), e.getMessage());
  }

  @Test
  void setupRoleFollowsTheOffer() {
    // any offerer saying passive gets an active answer, not only FFmpeg (no o=/s= sniffing)
    Negotiated passive = SdpAnswerer.answer(proto("chromium-134-offer.sdp")
        .replace("a=setup:actpass", "a=setup:passive"), publish());
    assertEquals(DtlsRole.CLIENT, passive.remote().dtlsRole());
    passive.answer().media().forEach(m -> assertEquals(Setup.ACTIVE, m.setup().orElseThrow()));

    Negotiated actpass = SdpAnswerer.answer(proto("chromium-134-offer.sdp"), publish());
    assertEquals(DtlsRole.SERVER, actpass.remote().dtlsRole());
    actpass.answer().media().forEach(m -> assertEquals(Setup.PASSIVE, m.setup().orElseThrow()));

    Negotiated active = SdpAnswerer.answer(proto("chromium-134-offer.sdp")
        .replace("a=setup:actpass", "a=setup:active"), publish());
    assertEquals(Setup.ACTIVE, active.remote().setup());
    assertEquals(DtlsRole.SERVER, active.remote().dtlsRole());
    active.answer().media().forEach(m -> assertEquals(Setup.PASSIVE, m.setup().orElseThrow()));

    Negotiated none = SdpAnswerer.answer(proto("chromium-134-offer.sdp").replace("a=setup:actpass\r\n", ""), publish());
    assertEquals(DtlsRole.SERVER, none.remote().dtlsRole(), "no a=setup means actpass (RFC 4145)");
  }

  @Test
  void offerWithSetupHoldconnOrMixedRolesFails() {
    NegotiationException e = fails(proto("chromium-134-offer.sdp").replace("a=setup:actpass", "a=setup:holdconn"),
        publish(), Reason.BAD_SETUP);
    assertTrue(e.getMessage().contains("a=setup:holdconn"), e.getMessage());
    String offer = proto("chromium-134-offer.sdp");
    int second = offer.indexOf("a=setup:actpass", offer.indexOf("a=setup:actpass") + 1);
    assertTrue(second > 0, "fixture bundles two m-lines");
    String mixed = offer.substring(0, second) + "a=setup:passive" + offer.substring(second + "a=setup:actpass".length());
    e = fails(mixed, publish(), Reason.BAD_SETUP);
    assertTrue(e.getMessage().contains("different a=setup roles"), e.getMessage());
  }

  @Test
  void offerWithoutAudioOrVideo() {
    String noMedia = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    assertEquals("sdp negotiation: offer has no m-lines", fails(noMedia, publish(), Reason.NO_MEDIA).getMessage());
  }

  @Test
  void offerWithOnlyADataChannel() {
    String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
        + "a=ice-pwd:0123456789012345678901\r\na=fingerprint:sha-256 " + OUR_FP.fingerprint() + "\r\n"
        + "a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n";
    NegotiationException e = fails(offer, publish(), Reason.NO_MEDIA);
    assertEquals("sdp negotiation: offer has no audio or video m-line the server can take; m-line 0 (application): "
        + "unsupported m-line application UDP/DTLS/SCTP", e.getMessage());
  }

  @Test
  void malformedFingerprints() {
    String offer = proto("chromium-134-offer.sdp");
    String fp = "7B:3D:9C:1E:44:A0:5F:62:8D:1B:C7:90:2E:A3:F4:56:0B:DE:71:88:9A:2C:4F:E5:13:6D:B8:07:C2:39:AF:E1";
    NegotiationException notHex = fails(offer.replace(fp, fp.replace("7B:3D", "ZZ:3D")), publish(),
        Reason.MALFORMED_SDP);
    assertTrue(notHex.getMessage().contains("a=fingerprint"), notHex.getMessage());
    NegotiationException shortDigest = fails(offer.replace(fp, fp.substring(3)), publish(), Reason.BAD_FINGERPRINT);
    assertTrue(shortDigest.getMessage().contains("sha-256 digest must be 32 bytes"), shortDigest.getMessage());
    fails(offer.replace("sha-256 " + fp, "md5 " + fp), publish(), Reason.BAD_FINGERPRINT);
    fails(offer.replace("a=fingerprint:sha-256 " + fp + "\r\n", ""), publish(), Reason.BAD_FINGERPRINT);
  }

  @Test
  void missingIceCredentials() {
    String offer = proto("chromium-134-offer.sdp").replace("a=ice-pwd:b6VgI0rY4YXnS2Jw8pQmLk1H\r\n", "");
    fails(offer, publish(), Reason.BAD_ICE);
  }

  @Test
  void publisherWithoutUsableVideoCodec() {
    String vp9Only = proto("chromium-134-offer.sdp").replaceFirst(
        "m=video 9 UDP/TLS/RTP/SAVPF [0-9 ]+\r\n", "m=video 9 UDP/TLS/RTP/SAVPF 98 99\r\n");
    NegotiationException e = fails(vp9Only, publish(), Reason.NO_COMMON_CODEC);
    assertTrue(e.getMessage().endsWith("it offered: VP9"), e.getMessage());
  }

  @Test
  void publishPrefersVp8OverAv1WhenNoH264() {
    String noH264 = proto("chromium-134-offer.sdp").replaceFirst(
        "m=video 9 UDP/TLS/RTP/SAVPF [0-9 ]+\r\n", "m=video 9 UDP/TLS/RTP/SAVPF 45 46 96 97\r\n");
    Negotiated.Media v = SdpAnswerer.answer(noH264, publish()).video().orElseThrow();
    assertEquals("VP8", v.codec().name());
    assertEquals(97, v.rtxPayloadType());
  }

  @Test
  void iceCredentials() {
    LocalIceCredentials c = LocalIceCredentials.random();
    assertTrue(c.ufrag().length() >= 4 && c.pwd().length() >= 22);
    assertTrue(LocalIceCredentials.isIceChars(c.ufrag() + c.pwd()));
    assertFalse(c.toString().contains(c.pwd()));
    assertThrows(IllegalArgumentException.class, () -> new LocalIceCredentials("abc", c.pwd()));
    assertThrows(IllegalArgumentException.class, () -> new LocalIceCredentials("abcd", "short"));
    assertThrows(IllegalArgumentException.class, () -> new LocalIceCredentials("ab:d", c.pwd()));
  }

  // ---- H.264 packetization modes and named parameter mismatches

  private static String videoFormats(String offer, String formats) {
    return offer.replaceFirst("m=video 9 UDP/TLS/RTP/SAVPF [0-9 ]+\r\n", "m=video 9 UDP/TLS/RTP/SAVPF " + formats + "\r\n");
  }

  @Test
  void publisherOfferingOnlyPacketizationMode0IsReceived() {
    String mode0 = proto("ffmpeg-8-whip-offer.sdp").replace("packetization-mode=1", "packetization-mode=0");
    Negotiated n = SdpAnswerer.answer(mode0, publish());
    Negotiated.Media v = n.video().orElseThrow();
    assertEquals(106, v.codec().payloadType());
    assertEquals("0", v.codec().fmtp().get("packetization-mode"));
    assertTrue(n.answer().encode().contains("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"));
  }

  @Test
  void publisherOfferingBothModesGetsMode1() {
    Negotiated n = SdpAnswerer.answer(proto("chromium-134-offer.sdp"), publish());
    assertEquals("1", n.video().orElseThrow().codec().fmtp().get("packetization-mode"));
  }

  @Test
  void publisherWithPacketizationMode2IsRefusedNamingTheParameter() {
    String mode2 = proto("ffmpeg-8-whip-offer.sdp").replace("packetization-mode=1", "packetization-mode=2");
    NegotiationException e = fails(mode2, publish(), Reason.NO_COMMON_CODEC);
    assertTrue(e.getMessage().contains("H264 packetization-mode=2 (0 or 1 only)"), e.getMessage());
  }

  @Test
  void playerOfferingOnlyMode0IsServedOnItsMode0Pt() {
    Negotiated n = SdpAnswerer.answer(videoFormats(local("chromium-134-whep-offer.sdp"), "108 109"), play(h264Opus(3333L)));
    assertEquals(108, n.video().orElseThrow().codec().payloadType());
    assertEquals(109, n.video().orElseThrow().rtxPayloadType());
    assertTrue(n.answer().encode().contains("packetization-mode=0;profile-level-id=42e01f"));
  }

  @Test
  void aMode0SourceGoesToTheMode0PtWhenOfferedElseToMode1() {
    PlaySource mode0 = new PlaySource("live-cam1", "tally", PlaySource.Track.opus(1111, "audio0"),
        new PlaySource.Track("H264", 90000, 1, Map.of("profile-level-id", "42e01f", "packetization-mode", "0"),
            2222, 3333L, "video0"));
    assertEquals(108, SdpAnswerer.answer(local("chromium-134-whep-offer.sdp"), play(mode0)).video().orElseThrow()
        .codec().payloadType());
    assertEquals(106, SdpAnswerer.answer(videoFormats(local("chromium-134-whep-offer.sdp"), "106 107"), play(mode0))
        .video().orElseThrow().codec().payloadType(), "single NAL units are valid mode 1");
  }

  @Test
  void playerWithAnotherH264ProfileIsRefusedNamingProfileLevelId() {
    NegotiationException e = fails(videoFormats(local("chromium-134-whep-offer.sdp"), "127 125"), play(h264Opus(3333L)),
        Reason.NO_COMMON_CODEC);
    assertEquals("sdp negotiation: player cannot decode H264 42e01f: H264 profile-level-id 4d001f (MAIN) does not "
        + "decode 42e01f (CONSTRAINED_BASELINE); it offered: H264 4d001f", e.getMessage());
  }

  @Test
  void opusWithOneChannelIsRefusedNamingChannels() {
    String mono = local("chromium-134-whep-offer.sdp").replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000/1");
    NegotiationException e = fails(mono, play(h264Opus(3333L)), Reason.NO_COMMON_CODEC);
    assertTrue(e.getMessage().contains("opus channels 1 (source has 2)"), e.getMessage());
  }
}
