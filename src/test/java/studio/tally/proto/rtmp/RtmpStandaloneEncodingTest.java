package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shared (connection-independent) chunk encodings interleaved with a connection's own encoder. */
class RtmpStandaloneEncodingTest {

  @Test
  void standaloneChunksInterleaveWithAConnectionsOwnEncoding() {
    Random random = new Random(7);
    RtmpChunkEncoder own = new RtmpChunkEncoder();
    own.setChunkSize(4096);
    RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, ByteBufAllocator.DEFAULT);
    ByteBuf wire = Unpooled.buffer();
    List<RtmpMessage> sent = new ArrayList<>();
    try {
      // the peer learns the chunk size first, as on a real connection
      RtmpMessage setSize = new RtmpControlMessage.SetChunkSize(4096).toMessage(ByteBufAllocator.DEFAULT);
      own.encode(setSize, wire);
      setSize.release();
      long ts = 0xFFFF00L; // crosses the extended-timestamp boundary on the way
      for (int i = 0; i < 200; i++) {
        ts += random.nextInt(40);
        byte[] body = new byte[1 + random.nextInt(i % 10 == 0 ? 20_000 : 900)];
        random.nextBytes(body);
        int csid = random.nextBoolean() ? RtmpChunkStreamId.VIDEO : RtmpChunkStreamId.STREAM_COMMAND;
        RtmpMessage m = new RtmpMessage(csid, random.nextBoolean() ? 9 : 18, ts, 1, Unpooled.wrappedBuffer(body));
        if (random.nextInt(3) == 0) {
          own.encode(m, wire); // the connection's own compressed headers on the same chunk stream
        } else {
          ByteBuf shared = RtmpChunkEncoder.encodeStandalone(m, 4096, ByteBufAllocator.DEFAULT);
          wire.writeBytes(shared);
          shared.release();
          own.forget(csid);
        }
        sent.add(m);
      }
      List<RtmpMessage> got = new ArrayList<>();
      decoder.decode(wire, got);
      assertThat(got).hasSize(sent.size() + 1);
      got.getFirst().release();
      for (int i = 0; i < sent.size(); i++) {
        RtmpMessage a = sent.get(i);
        RtmpMessage b = got.get(i + 1);
        assertThat(b.timestamp()).as("timestamp of #" + i).isEqualTo(a.timestamp());
        assertThat(b.typeId()).isEqualTo(a.typeId());
        assertThat(b.chunkStreamId()).isEqualTo(a.chunkStreamId());
        assertThat(io.netty.buffer.ByteBufUtil.equals(a.payload(), b.payload())).as("payload of #" + i).isTrue();
        b.release();
      }
    } finally {
      sent.forEach(RtmpMessage::release);
      wire.release();
      decoder.close();
    }
  }
}
