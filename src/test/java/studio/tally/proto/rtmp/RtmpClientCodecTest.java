package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's byte level against proto's own server side: the handshake completes whatever the
 * fragmentation (one byte at a time here), the server's ping is answered, its window acknowledged, and every message — control ones too — reaches the caller.
 */
class RtmpClientCodecTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static ByteBuf join(List<ByteBuf> parts) {
    ByteBuf out = Unpooled.buffer();
    for (ByteBuf b : parts) {
      out.writeBytes(b);
      b.release();
    }
    parts.clear();
    return out;
  }

  @Test
  void handshakeByteByByteThenPingAnsweredAndWindowAcknowledged() {
    RtmpServerHandshake server = new RtmpServerHandshake();
    List<RtmpMessage> messages = new ArrayList<>();
    List<ByteBuf> toWrite = new ArrayList<>();
    try (RtmpClientCodec client = new RtmpClientCodec(RtmpLimits.DEFAULT, ALLOC)) {
      ByteBuf c0c1 = client.start();
      RtmpHandshakeResult s = server.consume(c0c1, ALLOC);
      c0c1.release();
      ByteBuf s0s1s2 = s.toWrite();
      int completions = 0;
      while (s0s1s2.isReadable()) {
        if (client.read(s0s1s2.readRetainedSlice(1), toWrite, messages)) completions++;
      }
      s0s1s2.release();
      assertThat(completions).as("the handshake completes once, on its last byte").isEqualTo(1);
      assertThat(client.handshakeDone()).isTrue();
      ByteBuf c2 = join(toWrite);
      assertThat(c2.readableBytes()).isEqualTo(1536);
      assertThat(server.consume(c2, ALLOC).done()).isTrue();
      c2.release();

      // the server: window 500 bytes, a ping, then 600 bytes of audio
      RtmpChunkEncoder serverOut = new RtmpChunkEncoder();
      ByteBuf wire = Unpooled.buffer();
      for (RtmpMessage m : List.of(new RtmpControlMessage.WindowAcknowledgementSize(500).toMessage(ALLOC),
          new RtmpControlMessage.UserControl(new RtmpUserControlEvent.PingRequest(42)).toMessage(ALLOC),
          new RtmpMessage(4, RtmpMessageType.AUDIO, 0, 1, Unpooled.wrappedBuffer(new byte[600])))) {
        serverOut.encode(m, wire);
        m.release();
      }
      assertThat(client.read(wire, toWrite, messages)).isFalse();
      assertThat(messages).extracting(RtmpMessage::typeId)
          .containsExactly(RtmpMessageType.WINDOW_ACK_SIZE, RtmpMessageType.USER_CONTROL, RtmpMessageType.AUDIO);

      List<RtmpMessage> answers = new ArrayList<>();
      try (RtmpChunkDecoder serverIn = new RtmpChunkDecoder(RtmpLimits.DEFAULT, ALLOC)) {
        ByteBuf written = join(toWrite);
        serverIn.decode(written, answers);
        written.release();
      }
      assertThat(answers).hasSize(2);
      assertThat(RtmpControlMessage.decode(answers.get(0)))
          .isEqualTo(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.PingResponse(42)));
      var ack = (RtmpControlMessage.Acknowledgement) RtmpControlMessage.decode(answers.get(1));
      assertThat(ack.sequenceNumber()).as("bytes read so far, past the window").isGreaterThanOrEqualTo(600);
      answers.forEach(RtmpMessage::release);
    } finally {
      messages.forEach(RtmpMessage::release);
      toWrite.forEach(ByteBuf::release);
    }
  }
}
