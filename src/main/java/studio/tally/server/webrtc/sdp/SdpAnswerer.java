package studio.tally.server.webrtc.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import studio.tally.proto.sdp.Attribute;
import studio.tally.proto.sdp.Codec;
import studio.tally.proto.sdp.Connection;
import studio.tally.proto.sdp.Direction;
import studio.tally.proto.sdp.ExtMap;
import studio.tally.proto.sdp.Fingerprint;
import studio.tally.proto.sdp.Fmtp;
import studio.tally.proto.sdp.Group;
import studio.tally.proto.sdp.MediaDescription;
import studio.tally.proto.sdp.Msid;
import studio.tally.proto.sdp.Origin;
import studio.tally.proto.sdp.RtcpFb;
import studio.tally.proto.sdp.RtpMap;
import studio.tally.proto.sdp.SdpException;
import studio.tally.proto.sdp.SessionDescription;
import studio.tally.proto.sdp.Setup;
import studio.tally.proto.sdp.SsrcAttribute;
import studio.tally.proto.sdp.SsrcGroup;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsRole;
import studio.tally.server.webrtc.sdp.NegotiationException.Reason;
import studio.tally.server.webrtc.sdp.Negotiated.CodecChoice;
import studio.tally.server.webrtc.sdp.Negotiated.Kind;
import studio.tally.server.webrtc.sdp.Negotiated.RemoteSsrc;
import studio.tally.server.webrtc.sdp.Negotiated.RemoteTransport;

/**
 * Answers WHIP and WHEP offers for the ice-lite SFU (RFC 8829/9429 answerer rules, narrowed to what
 * the SFU does).
 *
 * <ul>
 *   <li>Session: {@code a=ice-lite}; {@code a=group:BUNDLE} of the accepted mids, only if the offer
 *       bundles.</li>
 *   <li>At most one audio and one video m-line ({@code RTP/SAVPF} profiles); anything else —
 *       data channels, a second video — is answered with port 0 and left out of the bundle.</li>
 *   <li>Every accepted m-line needs {@code a=rtcp-mux}; {@code a=rtcp-rsize} is echoed if offered.</li>
 *   <li>DTLS role (RFC 5763 §5, RFC 8842 §5.3): {@code actpass}/{@code active} (or none) is answered
 *       {@code passive} and we are the DTLS server; {@code passive} (FFmpeg's WHIP muxer) is answered
 *       {@code active} and we are the DTLS client ({@link DtlsRole}); {@code holdconn} fails. All
 *       accepted m-lines must offer the same setup (one bundled transport).</li>
 *   <li>Direction: PUBLISH needs sendonly/sendrecv and answers recvonly; PLAY needs
 *       recvonly/sendrecv and answers sendonly.</li>
 *   <li>Codecs: see {@link CodecRules}; the chosen payload type keeps the offer's number and fmtp;
 *       its RTX is kept if offered (for PLAY only when the caller gave an RTX SSRC).</li>
 *   <li>rtcp-fb limited to {@link Feedback}; header extensions limited to {@link #EXTENSIONS}, with
 *       the offer's ids.</li>
 *   <li>Candidates and {@code a=end-of-candidates} on every accepted m-line (so a peer that ignores
 *       BUNDLE still finds them).</li>
 * </ul>
 */
public final class SdpAnswerer {
  private SdpAnswerer() {}

  public static final String EXT_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
  public static final String EXT_TRANSPORT_CC =
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  public static final String EXT_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
  public static final String EXT_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  /** The RTP header extensions the SFU reads, writes or forwards. */
  public static final List<String> EXTENSIONS = List.of(EXT_MID, EXT_TRANSPORT_CC, EXT_ABS_SEND_TIME, EXT_AUDIO_LEVEL);
  /**
   * End-to-end extensions: forwarded from publisher to player, renumbered, when both negotiated them.
   * The rest are hop-by-hop. Not video-orientation: a publisher that negotiates it stops rotating its
   * frames, and players (or the RTMP bridge) that cannot apply it would show them on their side.
   */
  public static final List<String> FORWARDED_EXTENSIONS = List.of(EXT_AUDIO_LEVEL);

  /** Parses {@code offer} first; SDP syntax errors become {@link Reason#MALFORMED_SDP}. */
  public static Negotiated answer(String offer, AnswerContext ctx) {
    SessionDescription parsed;
    try {
      parsed = SessionDescription.parse(offer);
    } catch (SdpException e) {
      throw new NegotiationException(Reason.MALFORMED_SDP, "offer is not valid SDP: " + e.getMessage(), e);
    }
    return answer(parsed, ctx);
  }

  public static Negotiated answer(SessionDescription offer, AnswerContext ctx) {
    if (offer.media().isEmpty()) {
      throw new NegotiationException(Reason.NO_MEDIA, "offer has no m-lines");
    }
    List<Accepted> accepted = new ArrayList<>();
    List<Negotiated.Rejected> rejected = new ArrayList<>();
    boolean audio = false;
    boolean video = false;
    for (int i = 0; i < offer.media().size(); i++) {
      MediaDescription m = offer.media().get(i);
      String mid = m.mid().orElse(null);
      String why = unsupported(m, ctx, audio, video);
      if (why != null) {
        rejected.add(new Negotiated.Rejected(i, m.media(), mid, why));
        continue;
      }
      Accepted a = accept(offer, m, i, ctx);
      accepted.add(a);
      audio |= a.kind == Kind.AUDIO;
      video |= a.kind == Kind.VIDEO;
    }
    if (accepted.isEmpty()) {
      StringBuilder s = new StringBuilder("offer has no audio or video m-line the server can take");
      rejected.forEach(r -> s.append("; m-line ").append(r.index()).append(" (").append(r.media()).append("): ")
          .append(r.why()));
      throw new NegotiationException(Reason.NO_MEDIA, s.toString());
    }
    RemoteTransport remote = remoteTransport(offer, accepted);

    List<String> offeredBundle = offer.bundleMids();
    List<String> bundle = accepted.stream().map(a -> a.m.mid().orElse(null))
        .filter(mid -> mid != null && offeredBundle.contains(mid)).toList();
    List<Attribute> session = new ArrayList<>();
    session.add(Attribute.flag("ice-lite"));
    if (!bundle.isEmpty()) {
      session.add(new Group(Group.BUNDLE, bundle).toAttribute());
    }
    if (ctx.role() == Role.PLAY) {
      session.add(new Attribute("msid-semantic", " WMS " + ctx.source().streamId()));
    }

    List<MediaDescription> answerMedia = new ArrayList<>();
    List<Negotiated.Media> media = new ArrayList<>();
    for (int i = 0; i < offer.media().size(); i++) {
      int index = i;
      Optional<Accepted> a = accepted.stream().filter(x -> x.index == index).findFirst();
      if (a.isPresent()) {
        answerMedia.add(answerMedia(a.get(), ctx, remote.dtlsRole()));
        media.add(a.get().toNegotiated());
      } else {
        answerMedia.add(rejectedMedia(offer.media().get(i)));
      }
    }
    Origin origin = new Origin("-", ctx.sessionId(), "2", "IN", "IP4", "0.0.0.0");
    SessionDescription answer = new SessionDescription(origin, "-", session, answerMedia);
    return new Negotiated(ctx.role(), answer, media, rejected, remote);
  }

  /** Why an m-line is answered with port 0, or null when it is one we take. */
  private static String unsupported(MediaDescription m, AnswerContext ctx, boolean haveAudio, boolean haveVideo) {
    boolean isAudio = m.media().equals("audio");
    if (!isAudio && !m.media().equals("video")) {
      return "unsupported m-line " + m.media() + " " + m.proto();
    }
    if (!m.proto().contains("RTP/SAVP")) {
      return "unsupported profile " + m.proto() + " (need UDP/TLS/RTP/SAVPF)";
    }
    if (m.port() == 0) {
      return "disabled by the offerer (port 0)";
    }
    if (isAudio ? haveAudio : haveVideo) {
      return "only one " + m.media() + " m-line is supported";
    }
    if (ctx.role() == Role.PLAY && (isAudio ? ctx.source().audio() : ctx.source().video()) == null) {
      return "the source has no " + m.media();
    }
    return null;
  }

  /** One m-line we take: checks and choices, before the answer is written. */
  private record Accepted(Kind kind, int index, MediaDescription m, Codec codec, Integer rtxPt, Set<Feedback> feedback,
      List<ExtMap> extensions, PlaySource.Track track) {

    Negotiated.Media toNegotiated() {
      Map<String, Integer> ext = new LinkedHashMap<>();
      extensions.forEach(e -> ext.put(e.uri(), e.id()));
      CodecChoice choice = new CodecChoice(codec.payloadType(), codec.name(), codec.clockRate(), codec.channels(),
          codec.parameters());
      return new Negotiated.Media(kind, index, m.mid().orElse(Integer.toString(index)), choice, rtxPt, feedback, ext,
          remoteSsrcs(m));
    }
  }

  private static Accepted accept(SessionDescription offer, MediaDescription m, int index, AnswerContext ctx) {
    Kind kind = m.media().equals("audio") ? Kind.AUDIO : Kind.VIDEO;
    String where = "m-line " + index + " (" + m.media() + m.mid().map(x -> ", mid " + x).orElse("") + ")";
    if (!m.rtcpMux()) {
      throw new NegotiationException(Reason.NO_RTCP_MUX, where + " has no a=rtcp-mux; the server multiplexes RTP "
          + "and RTCP on one port (RFC 8858)");
    }
    Direction d = m.direction();
    if (ctx.role() == Role.PUBLISH && d != Direction.SENDONLY && d != Direction.SENDRECV) {
      throw new NegotiationException(Reason.BAD_DIRECTION, where + " is " + d.token()
          + "; a WHIP publisher must offer sendonly or sendrecv");
    }
    if (ctx.role() == Role.PLAY && d != Direction.RECVONLY && d != Direction.SENDRECV) {
      throw new NegotiationException(Reason.BAD_DIRECTION, where + " is " + d.token()
          + "; a WHEP player must offer recvonly or sendrecv");
    }
    List<Codec> offered;
    try {
      offered = m.codecs();
    } catch (SdpException e) {
      throw new NegotiationException(Reason.MALFORMED_SDP, where + ": " + e.getMessage(), e);
    }
    PlaySource.Track track = null;
    Optional<Codec> chosen;
    if (ctx.role() == Role.PLAY) {
      track = kind == Kind.AUDIO ? ctx.source().audio() : ctx.source().video();
      chosen = CodecRules.playTrack(offered, track);
      if (chosen.isEmpty()) {
        throw new NegotiationException(Reason.NO_COMMON_CODEC, "player cannot decode " + track.describe()
            + CodecRules.playMismatch(offered, track).map(w -> ": " + w).orElse("")
            + "; it offered: " + CodecRules.describe(offered));
      }
    } else {
      chosen = kind == Kind.AUDIO ? CodecRules.opus(offered) : CodecRules.publishVideo(offered);
      if (chosen.isEmpty()) {
        throw new NegotiationException(Reason.NO_COMMON_CODEC, "publisher offers no " + m.media()
            + " codec the server can receive (" + (kind == Kind.AUDIO ? "opus/48000/2"
            : "H264 packetization-mode 0 or 1, VP8, AV1") + ")"
            + (kind == Kind.VIDEO ? CodecRules.publishMismatch(offered)
                : CodecRules.playMismatch(offered, PlaySource.Track.opus(1, "audio"))).map(w -> ": " + w).orElse("")
            + "; it offered: " + CodecRules.describe(offered));
      }
    }
    Codec codec = chosen.get();
    Integer rtx = codec.rtxPayloadType();
    if (kind == Kind.AUDIO || (track != null && track.rtxSsrc() == null)) {
      rtx = null;
    }
    Set<Feedback> feedback = new LinkedHashSet<>();
    for (RtcpFb fb : codec.feedback()) {
      Feedback.of(fb).ifPresent(feedback::add);
    }
    Map<String, ExtMap> ext = new LinkedHashMap<>();
    for (ExtMap e : m.extMaps()) {
      if (EXTENSIONS.contains(e.uri()) && !"inactive".equals(e.direction())) {
        ext.putIfAbsent(e.uri(), e);
      }
    }
    checkSetup(offer, m, where);
    return new Accepted(kind, index, m, codec, rtx, feedback, List.copyOf(ext.values()), track);
  }

  private static void checkSetup(SessionDescription offer, MediaDescription m, String where) {
    Setup setup = offer.setup(m).orElse(Setup.ACTPASS);
    if (setup == Setup.HOLDCONN) {
      throw new NegotiationException(Reason.BAD_SETUP, where + " has a=setup:holdconn"
          + "; the offer must be actpass, active or passive");
    }
  }

  private static RemoteTransport remoteTransport(SessionDescription offer, List<Accepted> accepted) {
    Accepted first = accepted.getFirst();
    String ufrag = offer.iceUfrag(first.m).orElse(null);
    String pwd = offer.icePwd(first.m).orElse(null);
    if (ufrag == null || pwd == null) {
      throw new NegotiationException(Reason.BAD_ICE, "offer has no a=ice-ufrag/a=ice-pwd");
    }
    Fingerprint fp = offer.fingerprint(first.m).orElseThrow(() -> new NegotiationException(Reason.BAD_FINGERPRINT,
        "offer has no a=fingerprint; DTLS-SRTP needs the peer's certificate fingerprint (RFC 8122)"));
    try {
      CertificateFingerprint.of(fp.hashFunction(), fp.fingerprint());
    } catch (IllegalArgumentException e) {
      throw new NegotiationException(Reason.BAD_FINGERPRINT, "offer's a=fingerprint is unusable: " + e.getMessage(),
          e);
    }
    for (Accepted a : accepted) {
      if (!ufrag.equals(offer.iceUfrag(a.m).orElse(null)) || !pwd.equals(offer.icePwd(a.m).orElse(null))
          || !fp.equals(offer.fingerprint(a.m).orElse(null))) {
        throw new NegotiationException(Reason.BAD_ICE, "m-lines " + first.index + " and " + a.index
            + " use different ICE credentials or fingerprints; the server runs one transport per session (BUNDLE)");
      }
    }
    Setup setup = offer.setup(first.m).orElse(Setup.ACTPASS);
    for (Accepted a : accepted) {
      if (offer.setup(a.m).orElse(Setup.ACTPASS) != setup) {
        throw new NegotiationException(Reason.BAD_SETUP, "m-lines " + first.index + " and " + a.index
            + " offer different a=setup roles; the server runs one transport per session (BUNDLE)");
      }
    }
    return new RemoteTransport(ufrag, pwd, fp, setup);
  }

  /**
   * What the peer announced: FID groups pair a media SSRC with its RTX SSRC (the RTX one may lack an
   * a=ssrc line); every other a=ssrc is a media SSRC without RTX. In order of first appearance.
   */
  static List<RemoteSsrc> remoteSsrcs(MediaDescription m) {
    Map<Long, String> cnames = new LinkedHashMap<>();
    for (SsrcAttribute s : m.ssrcs()) {
      cnames.putIfAbsent(s.ssrc(), null);
      if (s.attribute().equals("cname") && cnames.get(s.ssrc()) == null) {
        cnames.put(s.ssrc(), s.value());
      }
    }
    Map<Long, Long> rtxOf = new LinkedHashMap<>();
    Set<Long> rtxSsrcs = new LinkedHashSet<>();
    for (SsrcGroup g : m.ssrcGroups()) {
      if (g.semantics().equals("FID") && g.ssrcs().size() == 2) {
        rtxOf.putIfAbsent(g.ssrcs().get(0), g.ssrcs().get(1));
        rtxSsrcs.add(g.ssrcs().get(1));
      }
    }
    Set<Long> order = new LinkedHashSet<>(rtxOf.keySet());
    order.addAll(cnames.keySet());
    List<RemoteSsrc> out = new ArrayList<>();
    for (long ssrc : order) {
      if (!rtxSsrcs.contains(ssrc)) {
        out.add(new RemoteSsrc(ssrc, rtxOf.get(ssrc), cnames.get(ssrc)));
      }
    }
    return out;
  }

  private static MediaDescription answerMedia(Accepted a, AnswerContext ctx, DtlsRole dtlsRole) {
    MediaDescription m = a.m;
    List<Attribute> at = new ArrayList<>();
    m.mid().ifPresent(mid -> at.add(new Attribute("mid", mid)));
    at.add(new Attribute("ice-ufrag", ctx.ice().ufrag()));
    at.add(new Attribute("ice-pwd", ctx.ice().pwd()));
    at.add(ctx.fingerprint().toAttribute());
    at.add(dtlsRole.answerSetup().toAttribute());
    a.extensions.forEach(e -> at.add(new ExtMap(e.id(), null, e.uri(), null).toAttribute()));
    at.add((ctx.role() == Role.PUBLISH ? Direction.RECVONLY : Direction.SENDONLY).toAttribute());
    if (a.track != null) {
      at.add(new Msid(ctx.source().streamId(), a.track.trackId()).toAttribute());
    }
    at.add(Attribute.flag("rtcp-mux"));
    if (m.rtcpRsize()) {
      at.add(Attribute.flag("rtcp-rsize"));
    }
    Codec c = a.codec;
    int pt = c.payloadType();
    at.add(new RtpMap(pt, c.name(), c.clockRate(), a.kind == Kind.AUDIO ? Integer.valueOf(c.channels()) : null)
        .toAttribute());
    for (Feedback f : Feedback.values()) {
      if (a.feedback.contains(f)) {
        at.add(f.toRtcpFb(pt).toAttribute());
      }
    }
    m.fmtp(pt).ifPresent(f -> at.add(f.toAttribute()));
    if (a.rtxPt != null) {
      at.add(new RtpMap(a.rtxPt, "rtx", c.clockRate(), null).toAttribute());
      at.add(Fmtp.of(a.rtxPt, Map.of("apt", Integer.toString(pt))).toAttribute());
    }
    if (a.track != null) {
      PlaySource.Track t = a.track;
      String msid = ctx.source().streamId() + " " + t.trackId();
      List<Long> ssrcs = a.rtxPt != null ? List.of(t.ssrc(), t.rtxSsrc()) : List.of(t.ssrc());
      if (ssrcs.size() == 2) {
        at.add(new SsrcGroup("FID", ssrcs).toAttribute());
      }
      for (long s : ssrcs) {
        at.add(new SsrcAttribute(s, "cname", ctx.source().cname()).toAttribute());
        at.add(new SsrcAttribute(s, "msid", msid).toAttribute());
      }
    }
    for (int i = 0; i < ctx.candidates().size(); i++) {
      at.add(ctx.candidates().get(i).toCandidate(i).toAttribute());
    }
    at.add(Attribute.flag("end-of-candidates"));
    List<String> formats = a.rtxPt == null ? List.of(Integer.toString(pt))
        : List.of(Integer.toString(pt), Integer.toString(a.rtxPt));
    return new MediaDescription(m.media(), 9, null, m.proto(), formats, null, List.of(Connection.ip4("0.0.0.0")),
        List.of(), null, at);
  }

  /**
   * Port 0, the offer's proto and first format, its mid (JSEP §5.3.1), and that format's rtpmap:
   * pion (v3.1) fails the whole answer ("payload type not found") on a format without one.
   */
  private static MediaDescription rejectedMedia(MediaDescription m) {
    List<Attribute> at = new ArrayList<>();
    m.mid().ifPresent(mid -> at.add(new Attribute("mid", mid)));
    try {
      m.rtpMap(Integer.parseInt(m.formats().getFirst())).ifPresent(r -> at.add(r.toAttribute()));
    } catch (RuntimeException e) {
      // not a payload type number (or a malformed rtpmap): the format alone
    }
    return new MediaDescription(m.media(), 0, null, m.proto(), List.of(m.formats().getFirst()), null,
        List.of(Connection.ip4("0.0.0.0")), List.of(), null, at);
  }
}
