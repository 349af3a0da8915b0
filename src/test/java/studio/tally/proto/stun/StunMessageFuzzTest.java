package studio.tally.proto.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import java.util.List;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.TrackingAllocator;

/**
 * Fuzz target: arbitrary bytes as one STUN message. {@link StunMessage#isStun}, {@link Demux},
 * {@link StunMessage#parse} and the integrity/fingerprint checks may only fail with a
 * {@link ProtocolException}. Whatever parses must rebuild (with fresh MESSAGE-INTEGRITY and
 * FINGERPRINT) into a message that parses to the same attributes and whose MI and FINGERPRINT verify.
 * Nothing may leak. Seeds (RFC 5769 §2 vectors and a Chrome-like ICE check) in
 * {@code StunMessageFuzzTestInputs/parseArbitraryStun/}. One {@code @FuzzTest} per class (see pom.xml).
 */
class StunMessageFuzzTest {
  private static final byte[] KEY = StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");

  @FuzzTest(maxDuration = "10s")
  void parseArbitraryStun(byte[] input) {
    TrackingAllocator alloc = new TrackingAllocator();
    ByteBuf in = alloc.heapBuffer(input.length).writeBytes(input);
    try {
      Demux.classify(in);
      boolean looksLikeStun = StunMessage.isStun(in);
      StunMessage parsed;
      try {
        parsed = StunMessage.parse(in.duplicate());
      } catch (ProtocolException expected) {
        return;
      }
      if (!looksLikeStun && parsed.type().value() < 0x400) {
        throw new AssertionError("parsed but isStun said no: " + parsed);
      }
      verifyQuietly(in);
      rebuild(parsed);
    } finally {
      in.release();
      if (alloc.live() != 0) {
        throw new AssertionError("leaked " + alloc.live() + " buffers");
      }
    }
  }

  private static void verifyQuietly(ByteBuf in) {
    try {
      StunIntegrity.verifyIntegrity(in, KEY);
    } catch (StunException expected) {
      // absent or (almost always) wrong
    }
    try {
      StunIntegrity.verifyIntegritySha256(in, KEY);
    } catch (StunException expected) {
      // as above
    }
    try {
      StunIntegrity.verifyFingerprint(in);
    } catch (StunException expected) {
      // absent (parse already checked a present one)
    }
  }

  private static void rebuild(StunMessage parsed) {
    List<StunAttribute> plain = parsed.attributes().stream()
        .filter(a -> !(a instanceof MessageIntegrity || a instanceof MessageIntegritySha256 || a instanceof Fingerprint))
        .toList();
    StunMessage.Builder builder = StunMessage.builder(parsed.type(), parsed.transactionId());
    plain.forEach(builder::add);
    if (parsed.toBytes().length > 65_000) {
      return; // MI + FP would overflow the 16-bit length
    }
    byte[] bytes = builder.messageIntegrity(KEY).fingerprint().toBytes();
    StunMessage again = StunMessage.parse(bytes);
    if (!again.attributes().subList(0, plain.size()).equals(plain) || again.attributes().size() != plain.size() + 2
        || !again.type().equals(parsed.type())) {
      throw new AssertionError("rebuild changed " + parsed + " into " + again);
    }
    StunIntegrity.verifyIntegrity(bytes, KEY);
    StunIntegrity.verifyFingerprint(bytes);
  }
}
