package studio.tally.proto.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A media section (RFC 8866 §5.14): {@code m=<media> <port>[/<count>] <proto> <fmt> ...} and the
 * {@code i=}, {@code c=}, {@code b=}, {@code k=} and {@code a=} lines up to the next {@code m=}.
 * Attributes are kept in order and verbatim; the typed accessors parse them on demand (the parser has
 * already checked that every attribute it knows is well-formed).
 *
 * @param media      audio, video, application, ...
 * @param portCount  null when absent
 * @param proto      e.g. {@code UDP/TLS/RTP/SAVPF}, {@code UDP/DTLS/SCTP}
 * @param formats    payload types for RTP profiles, {@code webrtc-datachannel} for SCTP
 * @param title      {@code i=}, or null
 * @param key        {@code k=} (obsolete), or null
 */
public record MediaDescription(String media, int port, Integer portCount, String proto, List<String> formats,
    String title, List<Connection> connections, List<Bandwidth> bandwidths, String key, List<Attribute> attributes) {

  public MediaDescription {
    SdpText.token(media, "m= media");
    if (port < 0 || port > 65535 || (portCount != null && portCount < 1)) {
      throw new SdpException("m= port", port + (portCount == null ? "" : "/" + portCount));
    }
    if (proto.isEmpty() || SdpText.words(proto).size() != 1 || !proto.equals(SdpText.words(proto).get(0))) {
      throw new SdpException("m= proto", "empty or contains spaces");
    }
    formats = List.copyOf(formats);
    if (formats.isEmpty()) {
      throw new SdpException("m= fmt", "no formats");
    }
    for (String f : formats) {
      if (isRtp(proto)) {
        SdpText.integer(f, 127, "m= fmt");
      } else {
        SdpText.token(f, "m= fmt");
      }
    }
    connections = List.copyOf(connections);
    bandwidths = List.copyOf(bandwidths);
    attributes = List.copyOf(attributes);
  }

  /** A section with just m= and attributes. */
  public MediaDescription(String media, int port, String proto, List<String> formats, List<Attribute> attributes) {
    this(media, port, null, proto, formats, null, List.of(), List.of(), null, attributes);
  }

  static boolean isRtp(String proto) {
    return proto.contains("RTP/");
  }

  public MediaDescription withAttributes(List<Attribute> newAttributes) {
    return new MediaDescription(media, port, portCount, proto, formats, title, connections, bandwidths, key,
        newAttributes);
  }

  public MediaDescription withPort(int newPort) {
    return new MediaDescription(media, newPort, portCount, proto, formats, title, connections, bandwidths, key,
        attributes);
  }

  /** Payload types (RTP profiles only). */
  public List<Integer> payloadTypes() {
    return isRtp(proto) ? formats.stream().map(Integer::parseInt).toList() : List.of();
  }

  // ---- generic access

  public Optional<Attribute> attribute(String name) {
    return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  public Optional<String> value(String name) {
    return attribute(name).map(a -> a.value() == null ? "" : a.value());
  }

  public boolean has(String name) {
    return attribute(name).isPresent();
  }

  public List<String> values(String name) {
    return attributes.stream().filter(a -> a.name().equals(name)).map(a -> a.value() == null ? "" : a.value()).toList();
  }

  private <T> List<T> all(String name, Function<String, T> parser) {
    List<T> out = new ArrayList<>();
    for (String v : values(name)) {
      out.add(parser.apply(v));
    }
    return out;
  }

  // ---- typed access (RFC 8829/9429, RFC 8843, RFC 8839, RFC 8122, RFC 4145)

  public Optional<String> mid() {
    return value("mid");
  }

  public Optional<String> iceUfrag() {
    return value("ice-ufrag");
  }

  public Optional<String> icePwd() {
    return value("ice-pwd");
  }

  /** Tokens of {@code a=ice-options} (e.g. trickle, ice2, renomination). */
  public List<String> iceOptions() {
    return value("ice-options").map(SdpText::options).orElse(List.of());
  }

  public Optional<Fingerprint> fingerprint() {
    return value("fingerprint").map(Fingerprint::parse);
  }

  public Optional<Setup> setup() {
    return value("setup").map(Setup::parse);
  }

  public boolean rtcpMux() {
    return has("rtcp-mux");
  }

  public boolean rtcpRsize() {
    return has("rtcp-rsize");
  }

  /** The direction attribute, or {@link Direction#SENDRECV} when absent (RFC 8866 §6.7). */
  public Direction direction() {
    for (Attribute a : attributes) {
      Direction d = a.value() == null ? Direction.ofAttribute(a.name()) : null;
      if (d != null) {
        return d;
      }
    }
    return Direction.SENDRECV;
  }

  public List<RtpMap> rtpMaps() {
    return all("rtpmap", RtpMap::parse);
  }

  public Optional<RtpMap> rtpMap(int payloadType) {
    return rtpMaps().stream().filter(r -> r.payloadType() == payloadType).findFirst();
  }

  public List<Fmtp> fmtps() {
    return all("fmtp", Fmtp::parse);
  }

  public Optional<Fmtp> fmtp(int payloadType) {
    return fmtps().stream().filter(f -> f.payloadType() == payloadType).findFirst();
  }

  public List<RtcpFb> rtcpFbs() {
    return all("rtcp-fb", RtcpFb::parse);
  }

  public List<ExtMap> extMaps() {
    return all("extmap", ExtMap::parse);
  }

  public List<SsrcAttribute> ssrcs() {
    return all("ssrc", SsrcAttribute::parse);
  }

  public List<SsrcGroup> ssrcGroups() {
    return all("ssrc-group", SsrcGroup::parse);
  }

  public Optional<Msid> msid() {
    return value("msid").map(Msid::parse);
  }

  public List<Candidate> candidates() {
    return all("candidate", Candidate::parse);
  }

  public boolean endOfCandidates() {
    return has("end-of-candidates");
  }

  public boolean extmapAllowMixed() {
    return has("extmap-allow-mixed");
  }

  public Optional<Integer> sctpPort() {
    return value("sctp-port").map(v -> SdpText.integer(v, 65535, "a=sctp-port"));
  }

  /** The codecs of this section (RTX folded into its primary codec); see {@link Codec#of}. */
  public List<Codec> codecs() {
    return Codec.of(this);
  }

  /** The {@code m=} line value. */
  String mLine() {
    return media + " " + port + (portCount == null ? "" : "/" + portCount) + " " + proto + " " + String.join(" ", formats);
  }
}
