package studio.tally.proto.sdp;

import java.util.List;
import java.util.Optional;

/**
 * A session description (RFC 8866 §5), as WHIP/WHEP offers and answers carry it (RFC 9725,
 * JSEP RFC 9429).
 *
 * <pre>
 * v=0
 * o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; IN IP4 &lt;address&gt;
 * s=&lt;session name&gt;
 * [i= u= e=* p=* c= b=*]  t=&lt;start&gt; &lt;stop&gt; [r=*]  [z= k=]
 * a=*                                       session attributes
 * m=&lt;media&gt; &lt;port&gt; &lt;proto&gt; &lt;fmt&gt; ...    then i= c=* b=* k= a=* per media section
 * </pre>
 * {@link #parse} is strict on structure (v=0 first, then o= and s=, at least one t= before the first
 * m=, known line types only, numbers where numbers belong, well-formed known attributes, unique
 * mids, {@link SdpLimits}) and keeps everything else — unknown attributes included — verbatim and in
 * order. {@link #encode()} writes CRLF lines in RFC 8866 order; {@code parse(encode(d)).equals(d)}.
 *
 * @param info  {@code i=}, or null;  uri {@code u=}, or null;  emails {@code e=};  phones {@code p=}
 * @param connection {@code c=}, or null
 * @param timeZones {@code z=}, or null;  key {@code k=}, or null
 */
public record SessionDescription(int version, Origin origin, String sessionName, String info, String uri,
    List<String> emails, List<String> phones, Connection connection, List<Bandwidth> bandwidths,
    List<Timing> timings, String timeZones, String key, List<Attribute> attributes, List<MediaDescription> media) {

  public SessionDescription {
    if (version != 0) {
      throw new SdpException("v=", "version " + version + ", expected 0");
    }
    if (origin == null || sessionName == null) {
      throw new SdpException("o=/s=", "missing");
    }
    emails = List.copyOf(emails);
    phones = List.copyOf(phones);
    bandwidths = List.copyOf(bandwidths);
    timings = List.copyOf(timings);
    if (timings.isEmpty()) {
      throw new SdpException("t=", "missing");
    }
    attributes = List.copyOf(attributes);
    media = List.copyOf(media);
  }

  /** The usual WebRTC shape: v=0, o=, s=, t=0 0, session attributes, media. */
  public SessionDescription(Origin origin, String sessionName, List<Attribute> attributes,
      List<MediaDescription> media) {
    this(0, origin, sessionName, null, null, List.of(), List.of(), null, List.of(), List.of(Timing.PERMANENT), null,
        null, attributes, media);
  }

  /** Parses with {@link SdpLimits#DEFAULT}. */
  public static SessionDescription parse(String sdp) {
    return SdpParser.parse(sdp, SdpLimits.DEFAULT);
  }

  public static SessionDescription parse(String sdp, SdpLimits limits) {
    return SdpParser.parse(sdp, limits);
  }

  /** The description as text: CRLF line ends, fields in RFC 8866 order, attributes as parsed. */
  public String encode() {
    StringBuilder s = new StringBuilder(1024);
    line(s, 'v', Integer.toString(version));
    line(s, 'o', origin.toString());
    line(s, 's', sessionName);
    line(s, 'i', info);
    line(s, 'u', uri);
    emails.forEach(e -> line(s, 'e', e));
    phones.forEach(p -> line(s, 'p', p));
    line(s, 'c', connection == null ? null : connection.toString());
    bandwidths.forEach(b -> line(s, 'b', b.toString()));
    for (Timing t : timings) {
      line(s, 't', t.toString());
      t.repeats().forEach(r -> line(s, 'r', r));
    }
    line(s, 'z', timeZones);
    line(s, 'k', key);
    attributes.forEach(a -> line(s, 'a', a.toString()));
    for (MediaDescription m : media) {
      line(s, 'm', m.mLine());
      line(s, 'i', m.title());
      m.connections().forEach(c -> line(s, 'c', c.toString()));
      m.bandwidths().forEach(b -> line(s, 'b', b.toString()));
      line(s, 'k', m.key());
      m.attributes().forEach(a -> line(s, 'a', a.toString()));
    }
    return s.toString();
  }

  private static void line(StringBuilder s, char type, String value) {
    if (value != null) {
      s.append(type).append('=').append(value).append("\r\n");
    }
  }

  @Override
  public String toString() {
    return encode();
  }

  public SessionDescription withMedia(List<MediaDescription> newMedia) {
    return new SessionDescription(version, origin, sessionName, info, uri, emails, phones, connection, bandwidths,
        timings, timeZones, key, attributes, newMedia);
  }

  public SessionDescription withAttributes(List<Attribute> newAttributes) {
    return new SessionDescription(version, origin, sessionName, info, uri, emails, phones, connection, bandwidths,
        timings, timeZones, key, newAttributes, media);
  }

  // ---- session-level access

  public Optional<Attribute> attribute(String name) {
    return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  public Optional<String> value(String name) {
    return attribute(name).map(a -> a.value() == null ? "" : a.value());
  }

  public boolean iceLite() {
    return attribute("ice-lite").isPresent();
  }

  public List<Group> groups() {
    return attributes.stream().filter(a -> a.name().equals("group")).map(a -> Group.parse(a.value())).toList();
  }

  /** The mids of the first {@code a=group:BUNDLE}, empty if none. */
  public List<String> bundleMids() {
    return groups().stream().filter(g -> g.semantics().equals(Group.BUNDLE)).findFirst().map(Group::mids)
        .orElse(List.of());
  }

  public boolean extmapAllowMixed() {
    return attribute("extmap-allow-mixed").isPresent();
  }

  public Optional<MediaDescription> mediaByMid(String mid) {
    return media.stream().filter(m -> m.mid().filter(mid::equals).isPresent()).findFirst();
  }

  /** ice-ufrag of the section, else of the session (libdatachannel/OBS put it at session level). */
  public Optional<String> iceUfrag(MediaDescription m) {
    return m.iceUfrag().or(() -> value("ice-ufrag"));
  }

  public Optional<String> icePwd(MediaDescription m) {
    return m.icePwd().or(() -> value("ice-pwd"));
  }

  public Optional<Fingerprint> fingerprint(MediaDescription m) {
    return m.fingerprint().or(() -> value("fingerprint").map(Fingerprint::parse));
  }

  public Optional<Setup> setup(MediaDescription m) {
    return m.setup().or(() -> value("setup").map(Setup::parse));
  }

  public List<String> iceOptions(MediaDescription m) {
    List<String> own = m.iceOptions();
    return own.isEmpty() ? value("ice-options").map(SdpText::options).orElse(List.of()) : own;
  }
}
