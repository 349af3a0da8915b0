package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtmpHandshakeTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /** Feeds {@code bytes} to a consumer in pieces of {@code piece} bytes; collects what it writes. */
  private interface Consumer {
    RtmpHandshakeResult consume(ByteBuf in, ByteBufAllocator alloc);
  }

  private static ByteBuf feed(Consumer consumer, ByteBuf bytes, int piece, boolean[] done) {
    ByteBuf written = Unpooled.buffer();
    while (bytes.isReadable() && !done[0]) {
      ByteBuf slice = bytes.readSlice(Math.min(piece, bytes.readableBytes()));
      while (slice.isReadable() && !done[0]) {
        int before = slice.readableBytes();
        RtmpHandshakeResult r = consumer.consume(slice, ALLOC);
        if (r.toWrite() != null) {
          written.writeBytes(r.toWrite());
          r.toWrite().release();
        }
        done[0] = r.done();
        if (slice.readableBytes() == before) {
          break;
        }
      }
      if (slice.isReadable()) { // bytes past the handshake go back to the caller
        bytes.readerIndex(bytes.readerIndex() - slice.readableBytes());
        break;
      }
    }
    return written;
  }

  @ParameterizedTest
  @CsvSource({"true, 1", "true, 7", "true, 1537", "false, 1", "false, 100", "false, 5000"})
  void clientAndServerCompleteInAnyFragmentation(boolean digest, int piece) {
    RtmpClientHandshake client = new RtmpClientHandshake(digest, new SplittableRandom(1));
    RtmpServerHandshake server = new RtmpServerHandshake(new SplittableRandom(2));
    ByteBuf c0c1 = client.start(ALLOC);
    boolean[] serverDone = {false};
    ByteBuf s0s1s2 = feed(server::consume, c0c1, piece, serverDone);
    assertThat(s0s1s2.readableBytes()).isEqualTo(1 + 2 * 1536);
    assertThat(serverDone[0]).isFalse();
    assertThat(c0c1.readableBytes()).isZero();
    c0c1.release();

    boolean[] clientDone = {false};
    s0s1s2.writeByte(0x42); // a chunk byte after S2 must stay unread
    ByteBuf c2 = feed(client::consume, s0s1s2, piece, clientDone);
    assertThat(clientDone[0]).isTrue();
    assertThat(s0s1s2.readableBytes()).isEqualTo(1);
    s0s1s2.release();
    assertThat(c2.readableBytes()).isEqualTo(1536);
    assertThat(client.serverUsedDigest()).isEqualTo(digest);
    assertThat(client.serverVerified()).isEqualTo(digest);
    assertThat(server.usedDigest()).isEqualTo(digest);

    c2.writeBytes(new byte[] {0x03, 0x00});
    ByteBuf nothing = feed(server::consume, c2, piece, serverDone);
    assertThat(serverDone[0]).isTrue();
    assertThat(server.isDone()).isTrue();
    assertThat(nothing.readableBytes()).isZero();
    assertThat(c2.readableBytes()).isEqualTo(2);
    c2.release();
    nothing.release();
  }

  @Test
  void simpleServerEchoesC1AsS2() {
    RtmpServerHandshake server = new RtmpServerHandshake(new SplittableRandom(3));
    byte[] c1 = new byte[1536];
    new SplittableRandom(4).nextBytes(c1);
    Arrays.fill(c1, 4, 8, (byte) 0);
    ByteBuf in = Unpooled.buffer().writeByte(3).writeBytes(c1);
    RtmpHandshakeResult r = server.consume(in, ALLOC);
    ByteBuf out = r.toWrite();
    assertThat(out.getByte(0)).isEqualTo((byte) 3);
    assertThat(out.getInt(1 + 4)).isZero(); // S1 version zero: FFmpeg then skips digest checks
    byte[] s2 = new byte[1536];
    out.getBytes(1 + 1536, s2);
    assertThat(s2).isEqualTo(c1);
    out.release();
    in.release();
  }

  @Test
  void invalidDigestFallsBackToSimpleHandshake() {
    RtmpServerHandshake server = new RtmpServerHandshake();
    byte[] c1 = new byte[1536];
    new SplittableRandom(5).nextBytes(c1);
    c1[4] = 9; // claims a player version but carries no valid digest
    ByteBuf in = Unpooled.buffer().writeByte(3).writeBytes(c1);
    ByteBuf out = server.consume(in, ALLOC).toWrite();
    assertThat(server.usedDigest()).isFalse();
    assertThat(out.slice(1 + 1536, 1536)).isEqualTo(Unpooled.wrappedBuffer(c1));
    out.release();
    in.release();
  }

  @Test
  void serverAcceptsSchema1ClientDigest() {
    byte[] c1 = new byte[1536];
    new SplittableRandom(6).nextBytes(c1);
    Arrays.fill(c1, 0, 8, (byte) 0);
    c1[4] = 10;
    int offset = RtmpHandshakeDigest.imprint(c1, RtmpHandshakeDigest.SCHEMA1, RtmpHandshakeDigest.PLAYER_KEY, 30);
    RtmpServerHandshake server = new RtmpServerHandshake();
    ByteBuf in = Unpooled.buffer().writeByte(3).writeBytes(c1);
    ByteBuf out = server.consume(in, ALLOC).toWrite();
    assertThat(server.usedDigest()).isTrue();
    byte[] s1 = new byte[1536];
    out.getBytes(1, s1);
    // S1 digest in schema 1 too
    int serverOffset = RtmpHandshakeDigest.findDigest(s1, RtmpHandshakeDigest.SERVER_KEY, 36);
    assertThat(serverOffset).isEqualTo(RtmpHandshakeDigest.digestOffset(s1, RtmpHandshakeDigest.SCHEMA1));
    byte[] s2 = new byte[1536];
    out.getBytes(1 + 1536, s2);
    assertThat(RtmpHandshakeDigest.responseSignatureValid(s2, Arrays.copyOfRange(c1, offset, offset + 32),
        RtmpHandshakeDigest.SERVER_KEY)).isTrue();
    out.release();
    in.release();
  }

  @Test
  void digestOffsetsFollowTheSchemas() {
    byte[] p = new byte[1536];
    p[8] = (byte) 0xFF; p[9] = (byte) 0xFF; p[10] = (byte) 0xFF; p[11] = 3; // 768 % 728 = 40
    assertThat(RtmpHandshakeDigest.digestOffset(p, 8)).isEqualTo(40 + 12);
    p[772] = 100; p[773] = 0; p[774] = 0; p[775] = 0;
    assertThat(RtmpHandshakeDigest.digestOffset(p, 772)).isEqualTo(100 + 776);
  }

  @Test
  void stalledHandshakeNeedsMoreWithoutError() {
    RtmpServerHandshake server = new RtmpServerHandshake();
    ByteBuf partial = Unpooled.buffer().writeByte(3).writeBytes(new byte[700]);
    RtmpHandshakeResult r = server.consume(partial, ALLOC);
    assertThat(r.toWrite()).isNull();
    assertThat(r.done()).isFalse();
    assertThat(partial.isReadable()).isFalse();
    RtmpHandshakeResult again = server.consume(Unpooled.EMPTY_BUFFER, ALLOC);
    assertThat(again.toWrite()).isNull();
    assertThat(again.done()).isFalse();
    partial.release();

    RtmpClientHandshake client = new RtmpClientHandshake(true);
    client.start(ALLOC).release();
    ByteBuf truncated = Unpooled.buffer().writeByte(3).writeBytes(new byte[1535]);
    RtmpHandshakeResult c = client.consume(truncated, ALLOC);
    assertThat(c.toWrite()).isNull();
    assertThat(c.done()).isFalse();
    truncated.release();
  }

  @Test
  void wrongC0IsNamed() {
    assertThatThrownBy(() -> new RtmpServerHandshake().consume(Unpooled.wrappedBuffer(new byte[] {6}), ALLOC))
        .isInstanceOf(RtmpException.class).hasMessage("rtmp: encrypted RTMP (RTMPE) is not supported");
    assertThatThrownBy(() -> new RtmpServerHandshake().consume(Unpooled.wrappedBuffer(new byte[] {'G'}), ALLOC))
        .isInstanceOf(RtmpException.class).hasMessage("rtmp: handshake C0 version 0x47 not supported (want 3)");
    RtmpClientHandshake client = new RtmpClientHandshake(false);
    client.start(ALLOC).release();
    assertThatThrownBy(() -> client.consume(Unpooled.wrappedBuffer(new byte[] {9}), ALLOC))
        .isInstanceOf(RtmpException.class).hasMessage("rtmp: handshake S0 version 0x9 not supported (want 3)");
  }
}
