package studio.tally.proto.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=ssrc-group:<semantics> <ssrc-id> ...} (RFC 5576 §4.2): {@code FID} pairs a media SSRC with
 * its RTX SSRC (RFC 4588), {@code SIM} lists simulcast layers. The listed SSRCs need not have
 * {@code a=ssrc} lines: FFmpeg's WHIP muxer omits the RTX one.
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {
  public SsrcGroup {
    SdpText.token(semantics, "a=ssrc-group semantics");
    ssrcs = List.copyOf(ssrcs);
    for (long s : ssrcs) {
      if (s < 0 || s > 0xFFFFFFFFL) {
        throw new SdpException("a=ssrc-group ssrc", s + " outside 32 bits");
      }
    }
  }

  static SsrcGroup parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.isEmpty()) {
      throw new SdpException("a=ssrc-group", "semantics missing");
    }
    List<Long> ssrcs = new ArrayList<>();
    for (String s : w.subList(1, w.size())) {
      ssrcs.add(SdpText.number(s, 0xFFFFFFFFL, "a=ssrc-group ssrc"));
    }
    return new SsrcGroup(w.get(0), ssrcs);
  }

  public Attribute toAttribute() {
    StringBuilder s = new StringBuilder(semantics);
    ssrcs.forEach(x -> s.append(' ').append(x));
    return new Attribute("ssrc-group", s.toString());
  }
}
