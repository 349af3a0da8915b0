package studio.tally.proto.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Fuzz target: arbitrary bytes as AMF0. Decoding may only fail with {@link AmfException}; whatever
 * decodes must re-encode and decode to an equal value list. Seeds in
 * {@code Amf0FuzzTestInputs/decodeArbitraryAmf0/}. One {@code @FuzzTest} per class (see pom.xml).
 */
class Amf0FuzzTest {
  private static final Amf0Decoder DECODER = new Amf0Decoder(new AmfLimits(32, 1 << 16, 4096));

  @FuzzTest(maxDuration = "10s")
  void decodeArbitraryAmf0(byte[] input) {
    List<Object> values;
    try {
      values = DECODER.decodeAll(Unpooled.wrappedBuffer(input));
    } catch (AmfException expected) {
      return;
    }
    ByteBuf encoded = Unpooled.buffer();
    try {
      Amf0Encoder.encodeAll(encoded, values.toArray());
      List<Object> again = DECODER.decodeAll(encoded);
      if (!again.equals(values)) {
        throw new AssertionError("round trip changed " + values + " into " + again);
      }
    } finally {
      encoded.release();
    }
  }
}
