package studio.tally.proto.sdp;

import java.util.List;

/**
 * {@code t=<start-time> <stop-time>} (RFC 8866 §5.9) and the {@code r=} lines after it (§5.10, kept
 * verbatim). WebRTC always writes {@code t=0 0}.
 */
public record Timing(long start, long stop, List<String> repeats) {
  public static final Timing PERMANENT = new Timing(0, 0, List.of());

  public Timing {
    repeats = List.copyOf(repeats);
  }

  static Timing parse(String value) {
    List<String> w = SdpText.words(value);
    if (w.size() != 2) {
      throw new SdpException("t=", "expected 2 fields, got " + w.size());
    }
    return new Timing(SdpText.number(w.get(0), Long.MAX_VALUE, "t= start-time"),
        SdpText.number(w.get(1), Long.MAX_VALUE, "t= stop-time"), List.of());
  }

  Timing withRepeat(String repeat) {
    List<String> r = new java.util.ArrayList<>(repeats);
    r.add(repeat);
    return new Timing(start, stop, r);
  }

  @Override
  public String toString() {
    return start + " " + stop;
  }
}
