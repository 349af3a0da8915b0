package studio.tally.proto.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import studio.tally.proto.sdp.H264Profiles.Profile;
import studio.tally.proto.sdp.H264Profiles.ProfileLevelId;

class CandidateAndCodecTest {

  @Test
  void hostCandidatesForTheIceLiteServer() {
    assertEquals(2130706431L, Candidate.priority(126, 65535, 1));
    assertEquals("candidate:1 1 udp 2130706431 127.0.0.1 8000 typ host",
        Candidate.host("1", 1, "udp", "127.0.0.1", 8000).toAttribute().toString());
    assertEquals("candidate:2 1 tcp 2130706431 127.0.0.1 8080 typ host tcptype passive",
        Candidate.host("2", 1, "tcp", "127.0.0.1", 8080).toAttribute().toString());
  }

  @Test
  void candidateGrammar() {
    Candidate srflx = Candidate.parse("candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx "
        + "raddr 198.18.0.1 rport 46154 generation 0 ufrag EsAw network-cost 999");
    assertEquals("srflx", srflx.type());
    assertEquals("198.18.0.1", srflx.relatedAddress());
    assertEquals(46154, srflx.relatedPort());
    assertEquals(3, srflx.extensions().size());
    assertEquals(srflx, Candidate.parse(srflx.value()));
    Candidate mdns = Candidate.parse("1 1 udp 2122260223 4a2c1b7e-1f3d-4c1a-9a8e-2d6f0b3c5e7a.local 54321 typ host");
    assertEquals("4a2c1b7e-1f3d-4c1a-9a8e-2d6f0b3c5e7a.local", mdns.address());
    assertThrows(SdpException.class, () -> Candidate.parse("1 1 udp 1 1.2.3.4 9 typ host generation"));
    assertThrows(SdpException.class, () -> Candidate.parse("1 0 udp 1 1.2.3.4 9 typ host"));
    assertThrows(SdpException.class, () -> Candidate.parse("1 1 udp 4294967296 1.2.3.4 9 typ host"));
  }

  @Test
  void profileLevelIds() {
    ProfileLevelId cb31 = ProfileLevelId.parse("42e01f");
    assertEquals(Profile.CONSTRAINED_BASELINE, cb31.profile().orElseThrow());
    assertEquals("3.1", cb31.level());
    assertEquals(0x42, cb31.profileIdc());
    assertEquals(0xe0, cb31.profileIop());
    assertEquals("42e01f", cb31.toString());
    assertEquals(Profile.BASELINE, ProfileLevelId.parse("42001f").profile().orElseThrow());
    assertEquals(Profile.CONSTRAINED_BASELINE, ProfileLevelId.parse("4d801f").profile().orElseThrow());
    assertEquals(Profile.MAIN, ProfileLevelId.parse("4d001f").profile().orElseThrow());
    assertEquals(Profile.HIGH, ProfileLevelId.parse("640034").profile().orElseThrow());
    assertEquals("5.2", ProfileLevelId.parse("640034").level());
    assertEquals(Profile.CONSTRAINED_HIGH, ProfileLevelId.parse("640c1f").profile().orElseThrow());
    assertEquals(Profile.PREDICTIVE_HIGH_444, ProfileLevelId.parse("f4001f").profile().orElseThrow());
    assertTrue(ProfileLevelId.parse("6e001f").profile().isEmpty()); // High 10: not told apart by WebRTC
    assertEquals("1b", ProfileLevelId.parse("42f00b").level());
    assertEquals("4", ProfileLevelId.parse("640028").level());
    assertEquals(H264Profiles.DEFAULT, H264Profiles.profileLevelId(Map.of()));
    assertEquals(Profile.BASELINE, H264Profiles.DEFAULT.profile().orElseThrow());
    assertThrows(SdpException.class, () -> ProfileLevelId.parse("42e01"));
    assertThrows(SdpException.class, () -> ProfileLevelId.parse("42e0zz"));
  }

  @Test
  void h264Matching() {
    Map<String, String> cb31 = Map.of("profile-level-id", "42e01f", "packetization-mode", "1");
    Map<String, String> cb52 = Map.of("profile-level-id", "42e034", "packetization-mode", "1",
        "level-asymmetry-allowed", "1");
    Map<String, String> cbMode0 = Map.of("profile-level-id", "42e01f");
    Map<String, String> baseline = Map.of("profile-level-id", "42001f", "packetization-mode", "1");
    Map<String, String> high = Map.of("profile-level-id", "64001f", "packetization-mode", "1");
    assertTrue(H264Profiles.matches(cb31, cb52), "levels may differ");
    assertFalse(H264Profiles.matches(cb31, cbMode0), "packetization-mode must match");
    assertFalse(H264Profiles.matches(cb31, baseline));
    assertFalse(H264Profiles.matches(cb31, high));
    assertFalse(H264Profiles.matches(cb31, Map.of("profile-level-id", "zz", "packetization-mode", "1")));
    assertTrue(H264Profiles.levelAsymmetryAllowed(cb52));
    assertEquals(0, H264Profiles.packetizationMode(cbMode0));
  }

  @Test
  void codecsMatchAcrossOfferAndAnswer() {
    SessionDescription chrome = SessionDescription.parse(RealOffersTest.resource("chromium-134-offer.sdp"));
    SessionDescription ffmpeg = SessionDescription.parse(RealOffersTest.resource("ffmpeg-8-whip-offer.sdp"));
    Codec ours = ffmpeg.media().get(1).codecs().get(0);
    List<Integer> matching = chrome.media().get(1).codecs().stream().filter(ours::matches).map(Codec::payloadType).toList();
    assertEquals(List.of(106), matching);
    Codec opus = ffmpeg.media().get(0).codecs().get(0);
    assertEquals(List.of(111), chrome.media().get(0).codecs().stream().filter(opus::matches)
        .map(Codec::payloadType).toList());
  }

  @Test
  void buildingAnAnswerSection() {
    MediaDescription m = new MediaDescription("video", 9, "UDP/TLS/RTP/SAVPF", List.of("106", "107"), List.of(
        new Attribute("mid", "1"),
        Direction.RECVONLY.toAttribute(),
        Setup.PASSIVE.toAttribute(),
        Fingerprint.of("sha-256", new byte[] {(byte) 0xAB, 0x01}).toAttribute(),
        Attribute.flag("rtcp-mux"),
        new RtpMap(106, "H264", 90000, null).toAttribute(),
        Fmtp.of(106, new java.util.LinkedHashMap<>(Map.of("packetization-mode", "1"))).toAttribute(),
        new RtcpFb("106", "nack", "pli").toAttribute(),
        new RtpMap(107, "rtx", 90000, null).toAttribute(),
        new Fmtp(107, "apt=106").toAttribute(),
        new ExtMap(3, null, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", null)
            .toAttribute(),
        new SsrcGroup("FID", List.of(1L, 2L)).toAttribute(),
        new SsrcAttribute(1, "cname", "tally").toAttribute(),
        new Msid("s", "t").toAttribute(),
        Candidate.host("1", 1, "udp", "198.18.0.2", 8000).toAttribute(),
        Attribute.flag("end-of-candidates")));
    SessionDescription d = new SessionDescription(new Origin("-", "1", "1", "IN", "IP4", "127.0.0.1"), "-",
        List.of(Attribute.flag("ice-lite"), new Group("BUNDLE", List.of("1")).toAttribute()), List.of(m));
    SessionDescription again = SessionDescription.parse(d.encode());
    assertEquals(d, again);
    assertTrue(again.encode().contains("a=fingerprint:sha-256 AB:01\r\n"));
    assertEquals(107, again.media().get(0).codecs().get(0).rtxPayloadType());
    assertEquals(Direction.SENDONLY, Direction.RECVONLY.reverse());
  }
}
