package studio.tally.proto.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.TestVectors;

class FlvTagEncoderTest {

  @Test
  void headerBytes() {
    ByteBuf out = Unpooled.buffer();
    new FlvHeader(true, true).write(out);
    assertThat(ByteBufUtil.hexDump(out)).isEqualTo("464c5601050000000900000000");
    assertThat(FlvHeader.parse(out)).isEqualTo(new FlvHeader(true, true));
    assertThat(out.isReadable()).isFalse();
    out.release();
    ByteBuf videoOnly = Unpooled.buffer();
    new FlvHeader(false, true).write(videoOnly);
    assertThat(videoOnly.getByte(4)).isEqualTo((byte) 1);
    assertThat(FlvHeader.parse(videoOnly)).isEqualTo(new FlvHeader(false, true));
    videoOnly.release();
    assertThatThrownBy(() -> FlvHeader.parse(Unpooled.wrappedBuffer(new byte[] {'F', 'L', 'V'})))
        .isInstanceOf(FlvException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> FlvHeader.parse(Unpooled.wrappedBuffer(TestVectors.hex("464c560105000000090000"))))
        .isInstanceOf(FlvException.class).hasMessageContaining("PreviousTagSize0");
    assertThatThrownBy(() -> FlvHeader.parse(Unpooled.wrappedBuffer(TestVectors.hex("464c560105ffffffff00000000"))))
        .isInstanceOf(FlvException.class).hasMessageContaining("DataOffset");
  }

  @Test
  void smallTagIsOneFlatBuffer() {
    ByteBuf body = Unpooled.wrappedBuffer(TestVectors.hex("af0112"));
    ByteBuf tag = FlvTagEncoder.encodeTag(ByteBufAllocator.DEFAULT, FlvTag.AUDIO, 0x01020304L, body);
    assertThat(body.refCnt()).isZero();
    assertThat(tag).isNotInstanceOf(CompositeByteBuf.class);
    // type 8, size 3, timestamp 020304 + extended 01, stream 0, body, PreviousTagSize 14
    assertThat(ByteBufUtil.hexDump(tag)).isEqualTo("08" + "000003" + "020304" + "01" + "000000" + "af0112" + "0000000e");
    tag.release();
  }

  @Test
  void largeTagSharesTheBodyAndRoundTrips() {
    byte[] payload = new byte[5000];
    payload[0] = 0x17;
    ByteBuf body = Unpooled.directBuffer(5000).writeBytes(payload);
    ByteBuf tag = FlvTagEncoder.encodeTag(ByteBufAllocator.DEFAULT, FlvTag.VIDEO, 40, body);
    assertThat(tag).isInstanceOf(CompositeByteBuf.class);
    assertThat(tag.readableBytes()).isEqualTo(11 + 5000 + 4);

    // thousands of players each get a duplicate of the same encoded tag
    List<ByteBuf> players = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      players.add(tag.retainedDuplicate());
    }
    tag.release();
    List<FlvTag> decoded = new ArrayList<>();
    try (FlvTagReader reader = new FlvTagReader(FlvTagReader.Limits.DEFAULT, false)) {
      for (ByteBuf p : players) {
        reader.read(p, decoded);
        p.release();
      }
    }
    assertThat(decoded).hasSize(1000);
    assertThat(decoded.getFirst().timestamp()).isEqualTo(40);
    assertThat(ByteBufUtil.getBytes(decoded.getLast().body())).containsExactly(payload);
    decoded.forEach(FlvTag::release);
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void writeCopiesAndKeepsTheTag() {
    FlvTag tag = new FlvTag(FlvTag.SCRIPT, 0, Unpooled.wrappedBuffer(new byte[] {2, 0, 1, 'x'}));
    ByteBuf out = Unpooled.buffer();
    FlvTagEncoder.write(tag, out);
    assertThat(out.readableBytes()).isEqualTo(11 + 4 + 4);
    assertThat(out.getInt(out.writerIndex() - 4)).isEqualTo(15);
    assertThat(tag.refCnt()).isEqualTo(1);
    tag.release();
    out.release();
  }

  @Test
  void fieldsOutOfRangeAreCallerBugs() {
    ByteBuf body = Unpooled.buffer(1).writeByte(0);
    assertThatThrownBy(() -> FlvTagEncoder.encodeTag(ByteBufAllocator.DEFAULT, 9, 1L << 32, body))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Timestamp");
    assertThat(body.refCnt()).isZero();
    assertThatThrownBy(() -> new FlvTag(40, 0, Unpooled.EMPTY_BUFFER)).isInstanceOf(IllegalArgumentException.class);
  }
}
