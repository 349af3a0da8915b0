package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import studio.tally.proto.Hex;
import studio.tally.proto.TrackingAllocator;

class RtmpChunkCodecTest {
  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<RtmpMessage> decoded = new ArrayList<>();

  @AfterEach
  void everythingReleased() {
    decoded.forEach(RtmpMessage::release);
    assertThat(alloc.live()).as("buffers the decoder allocated and nobody released").isZero();
  }

  private static RtmpMessage message(int cs, int type, long ts, int msid, int length, int fill) {
    ByteBuf payload = Unpooled.buffer(length);
    for (int i = 0; i < length; i++) {
      payload.writeByte(fill + i);
    }
    return new RtmpMessage(cs, type, ts, msid, payload);
  }

  private static String encodeAll(RtmpChunkEncoder encoder, RtmpMessage... messages) {
    ByteBuf out = Unpooled.buffer();
    for (RtmpMessage m : messages) {
      encoder.encode(m, out);
      m.release();
    }
    String hex = Hex.of(out);
    out.release();
    return hex;
  }

  /** Feeds {@code in} in pieces of {@code piece} bytes through a cumulation buffer, as a Netty decoder would. */
  private void decodeInPieces(RtmpChunkDecoder decoder, ByteBuf in, int piece) {
    ByteBuf cumulation = Unpooled.buffer();
    while (in.isReadable()) {
      cumulation.writeBytes(in, Math.min(piece, in.readableBytes()));
      decoder.decode(cumulation, decoded);
      cumulation.discardReadBytes();
    }
    assertThat(cumulation.readableBytes()).as("bytes left undecoded").isZero();
    cumulation.release();
    in.release();
  }

  private static String payload(int length, int fill) {
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < length; i++) {
      b.writeByte(fill + i);
    }
    String hex = Hex.of(b);
    b.release();
    return hex;
  }

  /** Adobe RTMP spec 1.0 section 5.3.2.1, example 1: four audio messages on chunk stream 3. */
  @Test
  void specExample1AudioMessages() {
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    String hex = encodeAll(encoder,
        message(3, 8, 1000, 12345, 32, 0), message(3, 8, 1020, 12345, 32, 0),
        message(3, 8, 1040, 12345, 32, 0), message(3, 8, 1060, 12345, 32, 0));
    String p = payload(32, 0);
    assertThat(hex).isEqualTo(
        "03" + "0003e8" + "000020" + "08" + "39300000" + p   // fmt 0: ts 1000, length 32, audio, msid 12345 (LE)
        + "83" + "000014" + p                                // fmt 2: delta 20
        + "c3" + p + "c3" + p);                              // fmt 3: everything repeats

    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decodeInPieces(decoder, Hex.buf(hex), 1);
    assertThat(decoded).extracting(RtmpMessage::timestamp).containsExactly(1000L, 1020L, 1040L, 1060L);
    assertThat(decoded).allSatisfy(m -> {
      assertThat(m.chunkStreamId()).isEqualTo(3);
      assertThat(m.typeId()).isEqualTo(8);
      assertThat(m.messageStreamId()).isEqualTo(12345);
      assertThat(Hex.of(m.payload())).isEqualTo(p);
    });
  }

  /** Spec section 5.3.2.2, example 2: a 307-byte video message split into 128-byte chunks. */
  @Test
  void specExample2VideoMessageInChunks() {
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    String hex = encodeAll(encoder, message(4, 9, 1000, 12346, 307, 7));
    String p = payload(307, 7);
    assertThat(hex).isEqualTo(
        "04" + "0003e8" + "000133" + "09" + "3a300000" + p.substring(0, 256)
        + "c4" + p.substring(256, 512)
        + "c4" + p.substring(512));
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decoder.decode(Hex.buf(hex), decoded);
    assertThat(decoded).hasSize(1);
    assertThat(Hex.of(decoded.getFirst().payload())).isEqualTo(p);
    assertThat(decoder.bytesRead()).isEqualTo(hex.length() / 2);
  }

  @Test
  void basicHeaderForms() {
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    assertThat(encodeAll(encoder, message(63, 8, 0, 1, 0, 0))).startsWith("3f");
    assertThat(encodeAll(encoder, message(64, 8, 0, 1, 0, 0))).startsWith("0000");
    assertThat(encodeAll(encoder, message(319, 8, 0, 1, 0, 0))).startsWith("00ff");
    assertThat(encodeAll(encoder, message(320, 8, 0, 1, 0, 0))).startsWith("010001");
    assertThat(encodeAll(encoder, message(65599, 8, 0, 1, 0, 0))).startsWith("01ffff");
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decoder.decode(Hex.buf("00ff 000000 000000 08 01000000  01ffff 000000 000000 08 01000000"), decoded);
    assertThat(decoded).extracting(RtmpMessage::chunkStreamId).containsExactly(319, 65599);
  }

  @Test
  void extendedTimestampIsRepeatedOnContinuationChunks() {
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    String p = payload(200, 1);
    String hex = encodeAll(encoder, message(6, 9, 0x01000000L, 1, 200, 1));
    assertThat(hex).isEqualTo("06 ffffff 0000c8 09 01000000 01000000".replace(" ", "") + p.substring(0, 256)
        + "c6" + "01000000" + p.substring(256));
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decodeInPieces(decoder, Hex.buf(hex), 1);
    assertThat(decoded).singleElement().satisfies(m -> {
      assertThat(m.timestamp()).isEqualTo(0x01000000L);
      assertThat(Hex.of(m.payload())).isEqualTo(p);
    });
  }

  @Test
  void extendedTimestampWithoutRepetitionOnContinuationChunks() {
    // some encoders omit the extended timestamp on fmt 3 chunks; the decoder must accept both forms
    String p = payload(200, 1);
    String hex = "06 ffffff 0000c8 09 01000000 01000000".replace(" ", "") + p.substring(0, 256) + "c6" + p.substring(256);
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decodeInPieces(decoder, Hex.buf(hex), 3);
    assertThat(decoded).singleElement().satisfies(m -> assertThat(Hex.of(m.payload())).isEqualTo(p));
  }

  @Test
  void timestampFfffffIsExtendedAndDeltasWrapAt32Bits() {
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    String hex = encodeAll(encoder, message(4, 8, 0xFFFFFF, 1, 1, 0), message(4, 8, 0xFFFFFFFFL, 1, 1, 0));
    // second: delta 0xFF000000 is extended too, fmt 2
    assertThat(hex).isEqualTo("04 ffffff 000001 08 01000000 00ffffff 00  84 ffffff ff000000 00".replace(" ", ""));
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decoder.decode(Hex.buf(hex + "c4 ff000000 00".replace(" ", "")), decoded); // fmt 3 new message: +delta, wraps
    assertThat(decoded).extracting(RtmpMessage::timestamp).containsExactly(0xFFFFFFL, 0xFFFFFFFFL, 0xFEFFFFFFL);
  }

  @Test
  void fmt3AfterFmt0UsesTheFmt0TimestampAsDelta() {
    // spec 5.3.1.2.4; FFmpeg reads it the same way
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decoder.decode(Hex.buf("03 000064 000001 08 01000000 aa  c3 bb"), decoded);
    assertThat(decoded).extracting(RtmpMessage::timestamp).containsExactly(100L, 200L);
  }

  @Test
  void fmt1AndInterleavedChunkStreams() {
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    String a = payload(130, 0);
    String b = payload(10, 50);
    decoder.decode(Hex.buf("04 000010 000082 09 01000000" + a.substring(0, 256)
        + "06 000020 00000a 08 01000000" + b
        + "c4" + a.substring(256)
        + "46 000005 000001 12 ee"), decoded); // fmt 1 on stream 6: delta 5, new length and type
    assertThat(decoded).extracting(RtmpMessage::chunkStreamId).containsExactly(6, 4, 6);
    assertThat(decoded.get(2).timestamp()).isEqualTo(0x25);
    assertThat(decoded.get(2).typeId()).isEqualTo(18);
    assertThat(decoded.get(2).messageStreamId()).isEqualTo(1);
  }

  @Test
  void setChunkSizeAndAbortApplyToFollowingChunks() {
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    String p = payload(200, 0);
    decoder.decode(Hex.buf(
        "04 000000 0000c8 09 01000000" + p.substring(0, 256) // first 128-byte chunk of a message...
        + "02 000000 000004 02 00000000 00000004"  // ...aborted
        + "02 000000 000004 01 00000000 00001000"  // set chunk size 4096
        + "04 000000 0000c8 09 01000000" + p),     // one 200-byte chunk now
        decoded);
    assertThat(decoder.chunkSize()).isEqualTo(4096);
    assertThat(decoded).extracting(RtmpMessage::typeId).containsExactly(2, 1, 9);
    assertThat(Hex.of(decoded.get(2).payload())).isEqualTo(p);
  }

  @Test
  void newHeaderMidMessageDropsTheUnfinishedMessage() {
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    decoder.decode(Hex.buf("04 000000 0000c8 09 01000000" + payload(128, 0) + "04 000000 000001 09 01000000 ff"), decoded);
    assertThat(decoded).singleElement().satisfies(m -> assertThat(Hex.of(m.payload())).isEqualTo("ff"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 128, 4096, 65536})
  void randomMessagesRoundTripInRandomPieces(int chunkSize) {
    SplittableRandom random = new SplittableRandom(chunkSize);
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    RtmpChunkEncoder sharedEncoder = new RtmpChunkEncoder();
    ByteBuf wire = Unpooled.buffer();
    ByteBuf sharedWire = Unpooled.buffer();
    List<RtmpMessage> sent = new ArrayList<>();
    RtmpMessage setChunkSize = new RtmpControlMessage.SetChunkSize(chunkSize).toMessage(ByteBufAllocator.DEFAULT);
    encoder.encode(setChunkSize, wire);
    sharedEncoder.encode(setChunkSize, sharedWire);
    encoder.setChunkSize(chunkSize);
    sharedEncoder.setChunkSize(chunkSize);
    sent.add(setChunkSize);
    int[] streams = {3, 4, 6, 63, 64, 319, 320, 65599};
    Map<Integer, Long> clock = new HashMap<>();
    // tiny chunk sizes make thousands of chunks (and leak-tracked slices): fewer, shorter messages there
    int count = chunkSize < 16 ? 100 : 300;
    int maxLength = chunkSize < 16 ? 200 : 2000;
    for (int i = 0; i < count; i++) {
      int cs = streams[random.nextInt(streams.length)];
      long ts = clock.getOrDefault(cs, (long) random.nextInt(3));
      switch (random.nextInt(6)) {
        case 0 -> ts = random.nextLong(0x1_0000_0000L);            // jump anywhere, extended or not
        case 1 -> ts = (ts + 0xFFFFFF + random.nextInt(3)) & 0xFFFFFFFFL; // extended delta
        default -> ts = (ts + (random.nextBoolean() ? 33 : random.nextInt(100))) & 0xFFFFFFFFL;
      }
      clock.put(cs, ts);
      int length = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(maxLength);
      int type = random.nextBoolean() ? 9 : 8;
      int msid = random.nextInt(10) == 0 ? 2 : 1;
      RtmpMessage m = message(cs, type, ts, msid, length, random.nextInt(256));
      encoder.encode(m, wire);
      CompositeByteBuf shared = sharedEncoder.encodeShared(m, ByteBufAllocator.DEFAULT);
      sharedWire.writeBytes(shared);
      shared.release();
      sent.add(m);
    }
    assertThat(sharedWire).isEqualTo(wire);
    sharedWire.release();

    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, alloc);
    long total = wire.readableBytes();
    ByteBuf cumulation = Unpooled.buffer();
    while (wire.isReadable()) {
      int piece = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(3000);
      cumulation.writeBytes(wire, Math.min(piece, wire.readableBytes()));
      decoder.decode(cumulation, decoded);
      cumulation.discardReadBytes();
    }
    assertThat(cumulation.isReadable()).isFalse();
    cumulation.release();
    wire.release();
    assertThat(decoder.bytesRead()).isEqualTo(total);
    assertThat(decoded).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      RtmpMessage s = sent.get(i);
      RtmpMessage d = decoded.get(i);
      assertThat(d.chunkStreamId()).as("cs of #" + i).isEqualTo(s.chunkStreamId());
      assertThat(d.typeId()).as("type of #" + i).isEqualTo(s.typeId());
      assertThat(d.timestamp()).as("timestamp of #" + i).isEqualTo(s.timestamp());
      assertThat(d.messageStreamId()).as("msid of #" + i).isEqualTo(s.messageStreamId());
      assertThat(d.payload()).as("payload of #" + i).isEqualTo(s.payload());
      s.release();
    }
  }

  @Test
  void sharedEncodingDoesNotCopyThePayload() {
    RtmpChunkEncoder encoder = new RtmpChunkEncoder();
    encoder.setChunkSize(4096);
    RtmpMessage frame = message(6, 9, 40, 1, 10_000, 0);
    CompositeByteBuf a = encoder.encodeShared(frame, ByteBufAllocator.DEFAULT);
    assertThat(frame.payload().refCnt()).isGreaterThan(1);
    assertThat(a.numComponents()).isEqualTo(6); // 3 headers + 3 payload slices
    assertThat(a.component(1).unwrap()).isSameAs(frame.payload().unwrap() == null ? frame.payload() : frame.payload().unwrap());
    a.release();
    assertThat(frame.payload().refCnt()).isEqualTo(1);
    frame.release();
  }

  // --- bad input ---

  private RtmpChunkDecoder decoderWith(RtmpLimits limits) {
    return new RtmpChunkDecoder(limits, alloc);
  }

  @Test
  void chunkSizeZeroOrAbove24BitsIsRefused() {
    assertThatThrownBy(() -> decoderWith(RtmpLimits.DEFAULT).decode(Hex.buf("02 000000 000004 01 00000000 00000000"), decoded))
        .isInstanceOf(RtmpException.class).hasMessage("rtmp: chunk size 0 out of range 1..16777215");
    assertThatThrownBy(() -> decoderWith(RtmpLimits.DEFAULT).decode(Hex.buf("02 000000 000004 01 00000000 01000000"), decoded))
        .hasMessage("rtmp: chunk size 16777216 out of range 1..16777215");
    assertThatThrownBy(() -> decoderWith(RtmpLimits.DEFAULT).decode(Hex.buf("02 000000 000003 01 00000000 000001"), decoded))
        .hasMessage("rtmp: chunk size truncated (3 bytes)");
  }

  @Test
  void messageLengthAboveLimitIsRefusedBeforeAllocating() {
    int before = alloc.count();
    assertThatThrownBy(() -> decoderWith(new RtmpLimits(1000, 64)).decode(Hex.buf("04 000000 0003e9 09 01000000"), decoded))
        .isInstanceOf(RtmpException.class).hasMessage("rtmp: message length 1001 above limit 1000");
    assertThat(alloc.count()).isEqualTo(before);
    assertThatThrownBy(() -> decoderWith(RtmpLimits.DEFAULT).decode(Hex.buf("04 000000 ffffff 09 01000000"), decoded))
        .hasMessage("rtmp: message length 16777215 above limit 8388608");
  }

  @ParameterizedTest
  @ValueSource(strings = {"44 000000 000001 09", "84 000000", "c4"})
  void continuationHeaderOnUnknownChunkStreamIsRefused(String hex) {
    assertThatThrownBy(() -> decoderWith(RtmpLimits.DEFAULT).decode(Hex.buf(hex), decoded))
        .isInstanceOf(RtmpException.class).hasMessageMatching("rtmp: chunk fmt [123] on chunk stream 4 that never had a fmt 0 header");
  }

  @Test
  void tooManyChunkStreamsAreRefused() {
    RtmpChunkDecoder decoder = decoderWith(new RtmpLimits(1000, 2));
    assertThatThrownBy(() -> decoder.decode(Hex.buf(
        "03 000000 000001 09 01000000 ff  04 000000 000001 09 01000000 ff  05 000000 000001 09 01000000 ff"), decoded))
        .hasMessage("rtmp: more than 2 chunk streams (chunk stream 5)");
    assertThat(decoded).hasSize(2); // delivered before the error, still the caller's
  }

  @Test
  void afterAnErrorPartialMessagesAreReleasedAndInputIsRefused() {
    RtmpChunkDecoder decoder = decoderWith(RtmpLimits.DEFAULT);
    decoder.decode(Hex.buf("04 000000 000100 09 01000000" + payload(128, 0)), decoded);
    assertThat(alloc.live()).isEqualTo(1);
    assertThatThrownBy(() -> decoder.decode(Hex.buf("85 000000"), decoded)).isInstanceOf(RtmpException.class);
    assertThat(alloc.live()).isZero();
    assertThatThrownBy(() -> decoder.decode(Hex.buf("04"), decoded))
        .hasMessage("rtmp: chunk decoder is failed and takes no more input");
  }

  @Test
  void closeReleasesPartialMessages() {
    RtmpChunkDecoder decoder = decoderWith(RtmpLimits.DEFAULT);
    decoder.decode(Hex.buf("04 000000 000100 09 01000000" + payload(128, 0) + "06 000000 000100 09 01000000 01"), decoded);
    assertThat(alloc.live()).isEqualTo(2);
    decoder.close();
    assertThat(alloc.live()).isZero();
  }

  @Test
  void incompleteHeaderIsNotConsumed() {
    RtmpChunkDecoder decoder = decoderWith(RtmpLimits.DEFAULT);
    ByteBuf in = Hex.buf("04 000000 0001");
    decoder.decode(in, decoded);
    assertThat(in.readableBytes()).isEqualTo(6);
    assertThat(decoder.bytesRead()).isZero();
    ByteBuf ext = Hex.buf("04 ffffff 000001 09 01000000 0000");
    decoder.decode(ext, decoded);
    assertThat(ext.readerIndex()).isZero();
    assertThat(decoded).isEmpty();
  }

  /** The fuzz seed is a real publish sequence, so the fuzzer starts from deep inside the protocol. */
  @Test
  void fuzzSeedIsAWellFormedPublishSequence() throws Exception {
    byte[] seed;
    try (var in = getClass().getResourceAsStream("RtmpChunkDecoderFuzzTestInputs/decodeArbitraryChunks/publish-sequence")) {
      seed = in.readAllBytes();
    }
    RtmpChunkDecoder decoder = decoderWith(RtmpLimits.DEFAULT);
    decodeInPieces(decoder, Unpooled.wrappedBuffer(seed, 1, seed.length - 1), 1);
    assertThat(decoded).extracting(RtmpMessage::typeId).containsExactly(1, 20, 20, 20, 20, 20, 18, 9, 8, 9, 9, 9, 9, 3, 4);
    assertThat(decoded.get(12).timestamp()).isEqualTo(0x01000000L);
    assertThat(decoded.get(11).timestamp()).isEqualTo(99);
  }
}
