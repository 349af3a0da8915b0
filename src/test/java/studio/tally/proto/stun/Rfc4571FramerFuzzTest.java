package studio.tally.proto.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.TrackingAllocator;

/**
 * Fuzz target: arbitrary bytes as an RFC 4571 stream, split at fuzzer-chosen points. The framer must
 * yield exactly the packets a straightforward whole-buffer reading yields, fail only with a
 * {@link StunException} on an oversized frame (and exactly then), and release everything. Each
 * packet also goes through {@link Demux} and, when it looks like STUN, {@link StunMessage#parse}.
 *
 * <p>Input layout: byte 0 seeds the split (pieces of 1..64 bytes), bytes 1–2 the frame limit
 * (1..65535), bytes 3.. the stream. Seeds in {@code Rfc4571FramerFuzzTestInputs/decodeArbitraryFrames/}.
 */
class Rfc4571FramerFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decodeArbitraryFrames(byte[] input) {
    if (input.length < 3) {
      return;
    }
    SplittableRandom split = new SplittableRandom(input[0]);
    int maxPiece = 1 + (input[0] & 0x3F);
    int limit = Math.max(1, ((input[1] & 0xFF) << 8) | (input[2] & 0xFF));
    byte[] stream = Arrays.copyOfRange(input, 3, input.length);

    List<byte[]> expected = new ArrayList<>();
    boolean expectError = reference(stream, limit, expected);

    TrackingAllocator alloc = new TrackingAllocator();
    Rfc4571Framer framer = new Rfc4571Framer(limit);
    List<byte[]> actual = new ArrayList<>();
    boolean failed = false;
    try {
      for (int i = 0; i < stream.length; ) {
        int n = Math.min(1 + split.nextInt(maxPiece), stream.length - i);
        ByteBuf piece = alloc.heapBuffer(n).writeBytes(stream, i, n);
        i += n;
        List<ByteBuf> out = new ArrayList<>();
        try {
          framer.decode(piece, out);
        } finally {
          piece.release();
          for (ByteBuf packet : out) {
            actual.add(ByteBufUtil.getBytes(packet));
            inspect(packet);
            packet.release();
          }
        }
      }
    } catch (StunException e) {
      failed = true;
    } finally {
      framer.close();
    }
    if (failed != expectError) {
      throw new AssertionError("framer " + (failed ? "failed" : "did not fail") + ", reference disagrees");
    }
    if (actual.size() != expected.size()) {
      throw new AssertionError(actual.size() + " packets, reference " + expected.size());
    }
    for (int i = 0; i < actual.size(); i++) {
      if (!Arrays.equals(actual.get(i), expected.get(i))) {
        throw new AssertionError("packet " + i + " differs from the reference");
      }
    }
    if (alloc.live() != 0) {
      throw new AssertionError("leaked " + alloc.live() + " buffers");
    }
  }

  /** Reads frames off the whole stream; true if it stops at an oversized frame. */
  private static boolean reference(byte[] s, int limit, List<byte[]> out) {
    int i = 0;
    while (i + 2 <= s.length) {
      int n = ((s[i] & 0xFF) << 8) | (s[i + 1] & 0xFF);
      if (n > limit) {
        return true;
      }
      if (i + 2 + n > s.length) {
        return false;
      }
      if (n > 0) {
        out.add(Arrays.copyOfRange(s, i + 2, i + 2 + n));
      }
      i += 2 + n;
    }
    return false;
  }

  private static void inspect(ByteBuf packet) {
    if (Demux.classify(packet) == PacketKind.STUN && StunMessage.isStun(packet)) {
      try {
        StunMessage.parse(packet.duplicate());
      } catch (ProtocolException expected) {
        // fine
      }
    }
  }
}
