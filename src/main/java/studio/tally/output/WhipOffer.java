package studio.tally.output;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import studio.tally.proto.sdp.Candidate;
import studio.tally.proto.sdp.Codec;
import studio.tally.proto.sdp.MediaDescription;
import studio.tally.proto.sdp.SdpException;
import studio.tally.proto.sdp.SessionDescription;
import studio.tally.proto.sdp.Setup;
import studio.tally.webrtc.WebRtcClientTransport;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsIdentity;
import studio.tally.webrtc.dtls.DtlsRole;
import studio.tally.webrtc.ice.IceParameters;

/**
 * The SDP of one WHIP publish: our offer (sendonly, BUNDLE, rtcp-mux, no candidates — the server
 * learns our address from our checks, as with OBS — H.264 packetization-mode 1 with the encoder's
 * profile-level-id, RTX, NACK/PLI/FIR/REMB feedback, and Opus 48 kHz stereo PT 111 when the session
 * has audio) and what the answer decides: ICE credentials, fingerprint, our DTLS role, the
 * candidates, the payload types and whether RTX was accepted. Pure: no sockets.
 */
final class WhipOffer {
  static final int OPUS_PT = 111;
  static final int H264_PT = 102;
  static final int RTX_PT = 103;

  final String localUfrag = IceParameters.randomIceString(8);
  final String localPassword = IceParameters.randomIceString(24);
  final int videoSsrc;
  final int rtxSsrc;
  final int audioSsrc;
  final boolean audio;
  final String profileLevelId;
  private final CertificateFingerprint fingerprint;

  /** What the answer settled. */
  record Negotiated(WebRtcClientTransport.Remote remote, int videoPt, int rtxPt, int audioPt, boolean iceLite) {
    boolean rtx() {
      return rtxPt >= 0;
    }

    boolean hasAudio() {
      return audioPt >= 0;
    }
  }

  /**
   * @param avcC the encoder's AVCDecoderConfigurationRecord: its profile, constraints and level
   *     become the offer's profile-level-id (42e01f when it is too short to read)
   * @param audio whether to offer Opus
   */
  WhipOffer(DtlsIdentity identity, byte[] avcC, boolean audio) {
    SecureRandom r = new SecureRandom();
    this.videoSsrc = r.nextInt();
    this.rtxSsrc = r.nextInt();
    this.audioSsrc = r.nextInt();
    this.audio = audio;
    this.fingerprint = identity.fingerprint();
    this.profileLevelId = avcC != null && avcC.length >= 4
        ? HexFormat.of().formatHex(new byte[] {avcC[1], avcC[2], avcC[3]}) : "42e01f";
  }

  String sdp() {
    StringBuilder s = new StringBuilder();
    s.append("v=0\r\no=tally ").append(Integer.toUnsignedString(videoSsrc)).append(" 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
        .append("a=group:BUNDLE").append(audio ? " 0 1" : " 0").append("\r\na=msid-semantic: WMS tally\r\n");
    int mid = 0;
    if (audio) {
      s.append("m=audio 9 UDP/TLS/RTP/SAVPF ").append(OPUS_PT).append("\r\nc=IN IP4 0.0.0.0\r\n");
      common(s, mid++);
      s.append("a=msid:tally audio\r\na=rtpmap:").append(OPUS_PT).append(" opus/48000/2\r\n")
          .append("a=fmtp:").append(OPUS_PT).append(" minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1\r\n");
      ssrc(s, audioSsrc, "audio");
    }
    s.append("m=video 9 UDP/TLS/RTP/SAVPF ").append(H264_PT).append(' ').append(RTX_PT).append("\r\nc=IN IP4 0.0.0.0\r\n");
    common(s, mid);
    s.append("a=msid:tally video\r\na=rtpmap:").append(H264_PT).append(" H264/90000\r\n");
    for (String fb : List.of("nack", "nack pli", "ccm fir", "goog-remb")) {
      s.append("a=rtcp-fb:").append(H264_PT).append(' ').append(fb).append("\r\n");
    }
    s.append("a=fmtp:").append(H264_PT).append(" level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=")
        .append(profileLevelId).append("\r\n")
        .append("a=rtpmap:").append(RTX_PT).append(" rtx/90000\r\na=fmtp:").append(RTX_PT).append(" apt=").append(H264_PT)
        .append("\r\na=ssrc-group:FID ").append(Integer.toUnsignedString(videoSsrc)).append(' ')
        .append(Integer.toUnsignedString(rtxSsrc)).append("\r\n");
    ssrc(s, videoSsrc, "video");
    ssrc(s, rtxSsrc, "video");
    return s.toString();
  }

  private void common(StringBuilder s, int mid) {
    s.append("a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:").append(localUfrag).append("\r\na=ice-pwd:").append(localPassword)
        .append("\r\na=fingerprint:").append(fingerprint.toSdpValue()).append("\r\na=setup:actpass\r\na=mid:").append(mid)
        .append("\r\na=sendonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n");
  }

  private static void ssrc(StringBuilder s, int ssrc, String track) {
    String id = Integer.toUnsignedString(ssrc);
    s.append("a=ssrc:").append(id).append(" cname:tally\r\na=ssrc:").append(id).append(" msid:tally ").append(track).append("\r\n");
  }

  /**
   * Reads the answer.
   *
   * @param tcpOnly use only a passive TCP candidate (ICE over TCP, RFC 6544 / RFC 4571)
   * @throws WhipException with the reason when the answer is unusable
   */
  Negotiated negotiate(String answerSdp, boolean tcpOnly) {
    SessionDescription sdp;
    try {
      sdp = SessionDescription.parse(answerSdp);
    } catch (SdpException e) {
      throw new WhipException(201, "the SDP answer does not parse: " + e.getMessage());
    }
    MediaDescription video = null;
    MediaDescription audioM = null;
    for (MediaDescription m : sdp.media()) {
      if (m.media().equals("video") && video == null) {
        video = m;
      } else if (m.media().equals("audio") && audioM == null) {
        audioM = m;
      }
    }
    if (video == null || video.port() == 0) {
      throw new WhipException(201, "the answer rejected our H.264 video");
    }
    int videoPt = -1;
    int rtxPt = -1;
    for (Codec c : Codec.of(video)) {
      if (c.name().equalsIgnoreCase("H264") && videoPt < 0) {
        videoPt = c.payloadType();
        rtxPt = c.rtxPayloadType() == null ? -1 : c.rtxPayloadType();
      }
    }
    if (videoPt < 0) {
      throw new WhipException(201, "the answer has no H.264 payload type for our video");
    }
    int audioPt = -1;
    if (audio && audioM != null && audioM.port() != 0) {
      for (Codec c : Codec.of(audioM)) {
        if (c.name().equalsIgnoreCase("opus")) {
          audioPt = c.payloadType();
        }
      }
    }
    String ufrag = sdp.iceUfrag(video).orElse(null);
    String pwd = sdp.icePwd(video).orElse(null);
    IceParameters ice;
    try {
      ice = new IceParameters(localUfrag, localPassword, ufrag, pwd);
    } catch (IllegalArgumentException e) {
      throw new WhipException(201, e.getMessage());
    }
    var fp = sdp.fingerprint(video).orElseThrow(() -> new WhipException(201, "the answer has no a=fingerprint"));
    CertificateFingerprint remoteFp;
    try {
      remoteFp = CertificateFingerprint.of(fp.hashFunction(), HexFormat.ofDelimiter(":").formatHex(fp.bytes()));
    } catch (IllegalArgumentException e) {
      throw new WhipException(201, "the answer's a=fingerprint is unusable: " + e.getMessage());
    }
    Setup setup = sdp.setup(video).orElse(Setup.ACTIVE);
    DtlsRole role = switch (setup) {
      case ACTIVE -> DtlsRole.SERVER; // it connects: we are the DTLS server
      case PASSIVE -> DtlsRole.CLIENT;
      default -> throw new WhipException(201, "the answer says a=setup:" + setup.token() + "; an answer must pick active or passive");
    };
    List<InetSocketAddress> udp = new ArrayList<>();
    InetSocketAddress tcp = null;
    List<Candidate> all = new ArrayList<>(video.candidates());
    if (audioM != null) {
      all.addAll(audioM.candidates()); // BUNDLE: the same transport; some servers list candidates once
    }
    for (Candidate c : all) {
      if (c.component() != 1 || c.address().toLowerCase(Locale.ROOT).endsWith(".local")) {
        continue; // mDNS names would need a resolver; no server we know sends them
      }
      InetSocketAddress a = new InetSocketAddress(c.address(), c.port());
      if (a.isUnresolved()) {
        continue;
      }
      if (c.isUdp() && !udp.contains(a)) {
        udp.add(a);
      } else if (c.isTcp() && "passive".equalsIgnoreCase(c.tcpType()) && tcp == null) {
        tcp = a;
      }
    }
    if (tcpOnly && tcp == null) {
      throw new WhipException(201, "ICE over TCP only was asked, but the answer has no passive TCP candidate");
    }
    if (!tcpOnly && udp.isEmpty()) {
      if (tcp == null) {
        throw new WhipException(201, "the answer has no candidate we can use");
      }
      tcpOnly = true; // a TCP-only server
    }
    var remote = new WebRtcClientTransport.Remote(ice, remoteFp, role, tcpOnly ? List.of() : udp, tcpOnly ? tcp : null);
    return new Negotiated(remote, videoPt, rtxPt, audioPt, sdp.iceLite());
  }

  /** Optional helper for logs: the first candidate the transport will try. */
  static Optional<InetSocketAddress> firstTarget(Negotiated n) {
    return n.remote().tcp() != null ? Optional.of(n.remote().tcp()) : n.remote().udpCandidates().stream().findFirst();
  }
}
