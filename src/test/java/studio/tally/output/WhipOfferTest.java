package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import studio.tally.proto.sdp.SessionDescription;
import studio.tally.webrtc.dtls.DtlsIdentity;
import studio.tally.webrtc.dtls.DtlsRole;

/** The offer we write and the answers we accept, from SDP text. */
class WhipOfferTest {
  private static final DtlsIdentity ID = DtlsIdentity.selfSigned("offer-test");
  /** avcC of a Main profile level 3.0 stream (profile 0x4d, constraints 0x40, level 0x1e). */
  private static final byte[] AVCC = HexFormat.of().parseHex("014d401effe1000467");

  private static String answer(String setup, String candidates, boolean audio) {
    String fp = "a=fingerprint:sha-256 " + DtlsIdentity.selfSigned("server").sha256Fingerprint() + "\r\n";
    StringBuilder s = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\na=group:BUNDLE 0 1\r\n");
    if (audio) {
      s.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:srvu\r\na=ice-pwd:server-password-123456789\r\n")
          .append(fp).append("a=setup:").append(setup).append("\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n")
          .append("a=rtpmap:111 opus/48000/2\r\n").append(candidates);
    }
    s.append("m=video 9 UDP/TLS/RTP/SAVPF 102 103\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:srvu\r\na=ice-pwd:server-password-123456789\r\n")
        .append(fp).append("a=setup:").append(setup).append("\r\na=mid:1\r\na=recvonly\r\na=rtcp-mux\r\n")
        .append("a=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=4d401e\r\n")
        .append("a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n").append(candidates);
    return s.toString();
  }

  private static final String CANDIDATES = "a=candidate:0 1 udp 2130706431 127.0.0.1 8000 typ host\r\n"
      + "a=candidate:1 1 tcp 2130706430 127.0.0.1 1985 typ host tcptype passive\r\n";

  @Test
  void theOfferCarriesTheEncodersProfileOpusRtxAndNoCandidates() {
    WhipOffer o = new WhipOffer(ID, AVCC, true);
    String sdp = o.sdp();
    SessionDescription parsed = SessionDescription.parse(sdp);
    assertThat(parsed.media()).extracting(m -> m.media()).containsExactly("audio", "video");
    assertThat(sdp).contains("profile-level-id=4d401e").contains("packetization-mode=1")
        .contains("a=rtpmap:111 opus/48000/2").contains("a=rtpmap:103 rtx/90000").contains("a=fmtp:103 apt=102")
        .contains("a=setup:actpass").contains("a=sendonly").contains("a=rtcp-fb:102 nack pli")
        .contains("a=fingerprint:sha-256 " + ID.sha256Fingerprint()).doesNotContain("a=candidate");
    assertThat(new WhipOffer(ID, AVCC, false).sdp()).doesNotContain("m=audio");
  }

  @Test
  void anIceLiteAnswerGivesCredentialsRoleCandidatesAndPayloadTypes() {
    WhipOffer o = new WhipOffer(ID, AVCC, true);
    var n = o.negotiate(answer("passive", CANDIDATES, true), false);
    assertThat(n.iceLite()).isTrue();
    assertThat(n.remote().dtlsRole()).isEqualTo(DtlsRole.CLIENT);
    assertThat(n.remote().ice().remoteUfrag()).isEqualTo("srvu");
    assertThat(n.remote().udpCandidates()).containsExactly(new InetSocketAddress("127.0.0.1", 8000));
    assertThat(n.remote().tcp()).isNull();
    assertThat(n.videoPt()).isEqualTo(102);
    assertThat(n.rtxPt()).isEqualTo(103);
    assertThat(n.audioPt()).isEqualTo(111);
    var tcp = o.negotiate(answer("active", CANDIDATES, true), true);
    assertThat(tcp.remote().tcp()).isEqualTo(new InetSocketAddress("127.0.0.1", 1985));
    assertThat(tcp.remote().udpCandidates()).isEmpty();
    assertThat(tcp.remote().dtlsRole()).isEqualTo(DtlsRole.SERVER);
  }

  @Test
  void unusableAnswersAreClearErrors() {
    WhipOffer o = new WhipOffer(ID, AVCC, true);
    assertThatThrownBy(() -> o.negotiate("not sdp", false)).isInstanceOf(WhipException.class).hasMessageContaining("parse");
    assertThatThrownBy(() -> o.negotiate(answer("passive", "a=candidate:0 1 udp 1 127.0.0.1 8000 typ host\r\n", true), true))
        .hasMessageContaining("no passive TCP candidate");
    assertThatThrownBy(() -> o.negotiate(answer("passive", "", true), false)).hasMessageContaining("no candidate");
    assertThatThrownBy(() -> o.negotiate(answer("actpass", CANDIDATES, true), false)).hasMessageContaining("a=setup:actpass");
    assertThatThrownBy(() -> o.negotiate(answer("passive", CANDIDATES, true).replace("a=ice-pwd:server-password-123456789\r\n", ""), false))
        .hasMessageContaining("ice-pwd");
  }
}
