package studio.tally.proto.sdp;

import java.util.List;

/**
 * {@code a=group:<semantics> <mid> ...} (RFC 5888 §5), session level. {@code BUNDLE} (RFC 8843 §7)
 * puts the listed m= sections on one transport, the first mid being the offerer's tagged section.
 */
public record Group(String semantics, List<String> mids) {
  public static final String BUNDLE = "BUNDLE";

  public Group {
    SdpText.token(semantics, "a=group semantics");
    mids = List.copyOf(mids);
    for (String mid : mids) {
      SdpText.token(mid, "a=group mid");
    }
  }

  static Group parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.isEmpty()) {
      throw new SdpException("a=group", "semantics missing");
    }
    return new Group(w.get(0), w.subList(1, w.size()));
  }

  public Attribute toAttribute() {
    return new Attribute("group", mids.isEmpty() ? semantics : semantics + " " + String.join(" ", mids));
  }
}
