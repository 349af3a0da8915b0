package studio.tally.server.webrtc.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import studio.tally.proto.sdp.SessionDescription;

/**
 * Fuzz target: arbitrary offers through the answerer, as a publisher (first byte even) or a player of
 * an H.264+Opus, Opus-only or H.264-only source (first byte odd). The only allowed failure is a
 * {@link NegotiationException} (the HTTP layer turns it into 400/406); an answer must encode and
 * parse back to itself. Seeds: real offers in {@code SdpAnswererFuzzTestInputs/answerArbitraryOffer/}.
 * One {@code @FuzzTest} per class (see pom.xml).
 */
class SdpAnswererFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void answerArbitraryOffer(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int mode = input[0] & 0xFF;
    String offer = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
    AnswerContext ctx;
    if ((mode & 1) == 0) {
      ctx = SdpAnswererTest.publish();
    } else {
      PlaySource source = switch ((mode >> 1) % 3) {
        case 0 -> SdpAnswererTest.h264Opus((mode & 8) == 0 ? null : 3333L);
        case 1 -> new PlaySource("live-a", "tally", PlaySource.Track.opus(1111, "audio0"), null);
        default -> new PlaySource("live-v", "tally", null, PlaySource.Track.h264("42e01f", 2222, null, "video0"));
      };
      ctx = SdpAnswererTest.play(source);
    }
    Negotiated n;
    try {
      n = SdpAnswerer.answer(offer, ctx);
    } catch (NegotiationException expected) {
      return;
    }
    String answer = n.answer().encode();
    SessionDescription again = SessionDescription.parse(answer);
    if (!again.equals(n.answer())) {
      throw new AssertionError("the answer does not parse back to itself:\n" + answer);
    }
    if (n.media().isEmpty()) {
      throw new AssertionError("an answer without an accepted m-line:\n" + answer);
    }
  }
}
