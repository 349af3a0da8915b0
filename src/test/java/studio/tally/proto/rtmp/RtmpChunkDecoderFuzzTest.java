package studio.tally.proto.rtmp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.TrackingAllocator;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.amf.AmfLimits;

/**
 * Fuzz target: arbitrary bytes as an inbound chunk stream, split at fuzzer-chosen points. The decoder
 * (and the message parsers behind it) may only fail with a {@link ProtocolException}, must consume
 * everything but an incomplete chunk header, and must release every buffer it allocated.
 *
 * <p>Input layout: byte 0 seeds how the rest is split (pieces of 1..64 bytes); bytes 1.. are the
 * chunk stream (seeds in {@code RtmpChunkDecoderFuzzTestInputs/decodeArbitraryChunks/}).
 * One {@code @FuzzTest} per class: Jazzer fuzzes only one per JVM (see pom.xml, execution "fuzz").
 */
class RtmpChunkDecoderFuzzTest {
  /** Basic header (3) + fmt 0 message header (11) + extended timestamp (4). */
  private static final int MAX_CHUNK_HEADER = 18;

  @FuzzTest(maxDuration = "10s")
  void decodeArbitraryChunks(byte[] input) {
    if (input.length < 2) {
      return;
    }
    SplittableRandom split = new SplittableRandom(input[0]);
    int maxPiece = 1 + (input[0] & 0x3F);
    TrackingAllocator alloc = new TrackingAllocator();
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(new RtmpLimits(1 << 16, 16), alloc);
    Amf0Decoder amf = new Amf0Decoder(new AmfLimits(16, 4096, 256));
    List<RtmpMessage> out = new ArrayList<>();
    ByteBuf cumulation = Unpooled.buffer();
    long fed = 0;
    try {
      for (int i = 1; i < input.length; ) {
        int n = Math.min(1 + split.nextInt(maxPiece), input.length - i);
        cumulation.writeBytes(input, i, n);
        i += n;
        fed += n;
        decoder.decode(cumulation, out);
        cumulation.discardReadBytes();
        if (cumulation.readableBytes() >= MAX_CHUNK_HEADER) {
          throw new AssertionError("decoder left " + cumulation.readableBytes() + " bytes unconsumed");
        }
        if (decoder.bytesRead() != fed - cumulation.readableBytes()) {
          throw new AssertionError("bytesRead " + decoder.bytesRead() + " but consumed " + (fed - cumulation.readableBytes()));
        }
        for (RtmpMessage m : out) {
          inspect(m, amf);
        }
        out.forEach(RtmpMessage::release);
        out.clear();
      }
    } catch (ProtocolException expected) {
      // bad input is fine, as long as it is named
    } finally {
      out.forEach(RtmpMessage::release);
      cumulation.release();
      decoder.close();
    }
    if (alloc.live() != 0) {
      throw new AssertionError(alloc.live() + " buffers leaked");
    }
  }

  /** Runs the typed parsers over each message, as the server would. */
  private static void inspect(RtmpMessage m, Amf0Decoder amf) {
    int readerIndex = m.payload().readerIndex();
    try {
      if (RtmpControlMessage.isControl(m.typeId())) {
        RtmpControlMessage.decode(m);
      } else if (RtmpCommand.isCommand(m.typeId())) {
        RtmpCommand.decode(m, amf);
      } else if (RtmpData.isData(m.typeId())) {
        RtmpData.decode(m, amf).metadata();
      }
    } catch (ProtocolException expected) {
      // a bad message body does not end the connection's decoding
    }
    if (m.payload().readerIndex() != readerIndex) {
      throw new AssertionError("a parser moved the payload's reader index");
    }
  }
}
