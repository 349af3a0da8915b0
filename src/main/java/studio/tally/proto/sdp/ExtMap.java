package studio.tally.proto.sdp;

import java.util.List;

/**
 * {@code a=extmap:<id>[/<direction>] <URI> [<extension attributes>]} (RFC 8285 §8): an RTP header
 * extension, e.g. {@code 3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01}.
 * Ids 1–14 fit the one-byte header form, 16–255 need the two-byte form ({@code a=extmap-allow-mixed}).
 *
 * @param direction {@code sendonly}, {@code recvonly}, {@code sendrecv}, {@code inactive}, or null
 * @param extensionAttributes the rest of the line, or null
 */
public record ExtMap(int id, String direction, String uri, String extensionAttributes) {
  public ExtMap {
    if (id < 1 || id > 255 || id == 15) {
      throw new SdpException("a=extmap id", id + " outside 1..14, 16..255");
    }
    if (direction != null && Direction.ofAttribute(direction) == null) {
      throw new SdpException("a=extmap direction", "'" + direction + "'");
    }
    if (uri.isEmpty() || SdpText.words(uri).size() != 1 || !uri.equals(SdpText.words(uri).get(0))) {
      throw new SdpException("a=extmap URI", "empty or contains spaces");
    }
    if (extensionAttributes != null && (extensionAttributes.isEmpty()
        || !extensionAttributes.equals(extensionAttributes.trim()))) {
      throw new SdpException("a=extmap extension attributes", "empty or padded with spaces");
    }
  }

  static ExtMap parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() < 2) {
      throw new SdpException("a=extmap", "expected <id> <URI>, got '" + value + "'");
    }
    String idPart = w.get(0);
    int slash = idPart.indexOf('/');
    int id = SdpText.integer(slash < 0 ? idPart : idPart.substring(0, slash), 255, "a=extmap id");
    String direction = slash < 0 ? null : idPart.substring(slash + 1);
    String rest = w.size() > 2 ? String.join(" ", w.subList(2, w.size())) : null;
    return new ExtMap(id, direction, w.get(1), rest);
  }

  public Attribute toAttribute() {
    return new Attribute("extmap", id + (direction == null ? "" : "/" + direction) + " " + uri
        + (extensionAttributes == null ? "" : " " + extensionAttributes));
  }
}
