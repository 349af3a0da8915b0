package studio.tally.proto.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import studio.tally.proto.ProtocolException;

/**
 * Fuzz target: arbitrary bytes (as UTF-8) as a session description. Parsing may only fail with an
 * {@link SdpException}; whatever parses must encode, parse again to an equal model, encode to the
 * same text, and answer every typed accessor (the parser validated what they read). Seeds are the
 * checked-in offers and answers, in {@code SdpParserFuzzTestInputs/parseArbitrarySdp/}. One
 * {@code @FuzzTest} per class (see pom.xml).
 */
class SdpParserFuzzTest {
  private static final SdpLimits LIMITS = new SdpLimits(16 * 1024, 16);

  @FuzzTest(maxDuration = "10s")
  void parseArbitrarySdp(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    SessionDescription d;
    try {
      d = SessionDescription.parse(text, LIMITS);
    } catch (SdpException expected) {
      return;
    }
    String encoded = d.encode();
    SessionDescription again = SessionDescription.parse(encoded, new SdpLimits(1 << 20, 16));
    if (!again.equals(d)) {
      throw new AssertionError("round trip changed\n" + encoded + "\ninto\n" + again.encode());
    }
    if (!again.encode().equals(encoded)) {
      throw new AssertionError("encoding is not stable:\n" + encoded);
    }
    d.iceLite();
    d.bundleMids();
    d.groups();
    for (MediaDescription m : d.media()) {
      d.iceUfrag(m);
      d.icePwd(m);
      d.fingerprint(m).ifPresent(Fingerprint::bytes);
      d.setup(m);
      d.iceOptions(m);
      m.direction();
      m.msid();
      m.ssrcs();
      m.ssrcGroups();
      m.extMaps();
      m.candidates().forEach(c -> Candidate.parse(c.value()));
      m.sctpPort();
      for (Codec c : m.codecs()) {
        try {
          H264Profiles.profileLevelId(c.parameters()).profile();
          H264Profiles.packetizationMode(c.parameters());
        } catch (ProtocolException expected) {
          // fmtp contents are codec-specific and not validated by the parser
        }
        c.matches(c);
      }
    }
  }
}
