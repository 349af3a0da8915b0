package studio.tally.proto.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The line parser behind {@link SessionDescription#parse}. Lines end in CRLF or a bare LF (RFC 8866
 * §5 asks parsers to accept both); blank lines are skipped; a CR or NUL inside a line is an error.
 * Every failure is an {@link SdpException} carrying the line number.
 */
final class SdpParser {
  private static final String SESSION_TYPES = "vosiuepcbtrzkam";

  private SdpParser() {}

  /** Per-section accumulator for a media section. */
  private static final class Media {
    final MediaDescription mLine;
    final int lineNumber;
    String title;
    String key;
    final List<Connection> connections = new ArrayList<>();
    final List<Bandwidth> bandwidths = new ArrayList<>();
    final List<Attribute> attributes = new ArrayList<>();

    Media(MediaDescription mLine, int lineNumber) {
      this.mLine = mLine;
      this.lineNumber = lineNumber;
    }

    MediaDescription build() {
      return new MediaDescription(mLine.media(), mLine.port(), mLine.portCount(), mLine.proto(), mLine.formats(),
          title, connections, bandwidths, key, attributes);
    }
  }

  static SessionDescription parse(String sdp, SdpLimits limits) {
    if (sdp == null || sdp.isBlank()) {
      throw new SdpException(1, "v=", "empty description");
    }
    if (sdp.length() > limits.maxLength()) {
      int line = 1 + (int) sdp.substring(0, limits.maxLength()).chars().filter(c -> c == '\n').count();
      throw new SdpException(line, "size", "description longer than " + limits.maxLength() + " characters");
    }
    int version = -1;
    Origin origin = null;
    String sessionName = null;
    String info = null;
    String uri = null;
    List<String> emails = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    Connection connection = null;
    List<Bandwidth> bandwidths = new ArrayList<>();
    List<Timing> timings = new ArrayList<>();
    String timeZones = null;
    String key = null;
    List<Attribute> attributes = new ArrayList<>();
    List<MediaDescription> media = new ArrayList<>();
    Set<String> mids = new HashSet<>();
    Media current = null;
    int expected = 0; // 0: v=, 1: o=, 2: s=, 3: anything
    int lineNumber = 0;
    int pos = 0;
    while (pos < sdp.length()) {
      int nl = sdp.indexOf('\n', pos);
      int end = nl < 0 ? sdp.length() : nl;
      String line = sdp.substring(pos, end > pos && sdp.charAt(end - 1) == '\r' ? end - 1 : end);
      pos = end + 1;
      lineNumber++;
      if (line.isEmpty()) {
        continue;
      }
      try {
        if (line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
          throw new SdpException("line", "CR or NUL inside a line");
        }
        char type = line.charAt(0);
        if (line.length() < 2 || line.charAt(1) != '=' || SESSION_TYPES.indexOf(type) < 0) {
          throw new SdpException("line", "not a known <type>=<value> line: '" + clip(line) + "'");
        }
        String value = line.substring(2);
        if (expected < 3) {
          char want = "vos".charAt(expected);
          if (type != want) {
            throw new SdpException(want + "=", "missing; got '" + clip(line) + "'");
          }
          switch (type) {
            case 'v' -> {
              if (!value.equals("0")) {
                throw new SdpException("v=", "version '" + clip(value) + "', expected 0");
              }
              version = 0;
            }
            case 'o' -> origin = Origin.parse(value);
            default -> sessionName = value;
          }
          expected++;
          continue;
        }
        if (type == 'm') {
          if (timings.isEmpty()) {
            throw new SdpException("t=", "missing before the first m=");
          }
          if (current != null) {
            media.add(current.build());
          }
          if (media.size() >= limits.maxMediaSections()) {
            throw new SdpException("m=", "more than " + limits.maxMediaSections() + " media sections");
          }
          current = new Media(mLine(value), lineNumber);
          continue;
        }
        if (current == null) {
          switch (type) {
            case 'i' -> info = once(info, value, "i=");
            case 'u' -> uri = once(uri, value, "u=");
            case 'e' -> emails.add(value);
            case 'p' -> phones.add(value);
            case 'c' -> connection = once(connection, Connection.parse(value), "c=");
            case 'b' -> bandwidths.add(Bandwidth.parse(value));
            case 't' -> timings.add(Timing.parse(value));
            case 'r' -> {
              if (timings.isEmpty()) {
                throw new SdpException("r=", "before any t=");
              }
              timings.set(timings.size() - 1, timings.get(timings.size() - 1).withRepeat(value));
            }
            case 'z' -> timeZones = once(timeZones, value, "z=");
            case 'k' -> key = once(key, value, "k=");
            case 'a' -> attributes.add(SdpAttributes.check(Attribute.parse(value), mids));
            default -> throw new SdpException(type + "=", "repeated or out of place");
          }
        } else {
          switch (type) {
            case 'i' -> current.title = once(current.title, value, "i=");
            case 'c' -> current.connections.add(Connection.parse(value));
            case 'b' -> current.bandwidths.add(Bandwidth.parse(value));
            case 'k' -> current.key = once(current.key, value, "k=");
            case 'a' -> current.attributes.add(SdpAttributes.check(Attribute.parse(value), mids));
            default -> throw new SdpException(type + "=", "not allowed in a media section");
          }
        }
      } catch (SdpException e) {
        throw e.line() > 0 ? e : e.atLine(lineNumber);
      }
    }
    if (expected < 3) {
      throw new SdpException(Math.max(1, lineNumber), "vos".charAt(expected) + "=", "missing");
    }
    if (timings.isEmpty()) {
      throw new SdpException(lineNumber, "t=", "missing");
    }
    if (current != null) {
      media.add(current.build());
    }
    return new SessionDescription(version, origin, sessionName, info, uri, emails, phones, connection, bandwidths,
        timings, timeZones, key, attributes, media);
  }

  /** Parses and checks an m= line, as a section without attributes. */
  private static MediaDescription mLine(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() < 4) {
      throw new SdpException("m=", "expected <media> <port> <proto> <fmt> ..., got '" + clip(value) + "'");
    }
    String portText = w.get(1);
    int slash = portText.indexOf('/');
    int port = SdpText.integer(slash < 0 ? portText : portText.substring(0, slash), 65535, "m= port");
    Integer count = slash < 0 ? null : SdpText.integer(portText.substring(slash + 1), 65535, "m= port count");
    return new MediaDescription(w.get(0), port, count, w.get(2), w.subList(3, w.size()), null, List.of(), List.of(),
        null, List.of());
  }

  private static <T> T once(T previous, T value, String field) {
    if (previous != null) {
      throw new SdpException(field, "appears twice");
    }
    return value;
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
