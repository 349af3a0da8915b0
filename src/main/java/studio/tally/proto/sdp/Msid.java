package studio.tally.proto.sdp;

import java.util.List;

/** {@code a=msid:<stream id> [<track id>]} (RFC 8830 §2): the MediaStream (and track) of an m= section. */
public record Msid(String streamId, String trackId) {
  public Msid {
    if (streamId.isEmpty() || SdpText.words(streamId).size() != 1 || !streamId.equals(SdpText.words(streamId).get(0))
        || (trackId != null && (trackId.isEmpty() || SdpText.words(trackId).size() != 1
        || !trackId.equals(SdpText.words(trackId).get(0))))) {
      throw new SdpException("a=msid", "ids must be non-empty and without spaces");
    }
  }

  static Msid parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.isEmpty() || w.size() > 2) {
      throw new SdpException("a=msid", "expected <stream id> [<track id>], got '" + value + "'");
    }
    return new Msid(w.get(0), w.size() == 2 ? w.get(1) : null);
  }

  public Attribute toAttribute() {
    return new Attribute("msid", streamId + (trackId == null ? "" : " " + trackId));
  }
}
