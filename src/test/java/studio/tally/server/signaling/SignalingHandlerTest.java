package studio.tally.server.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingCodec;
import studio.tally.proto.signaling.SignalingError;
import studio.tally.proto.signaling.SignalingRequest;

/** The handler and session on Netty's EmbeddedChannel: frames in, frames out, no sockets. */
class SignalingHandlerTest {
  private final RoomRegistry rooms = new RoomRegistry(2, 100);
  private final AtomicInteger closed = new AtomicInteger();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Frames a test left unread (e.g. the error and close frames after a flood) go back to the pool. */
  @AfterEach
  void releaseUnread() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private EmbeddedChannel channel(SignalingSettings settings) {
    EmbeddedChannel ch = new EmbeddedChannel();
    channels.add(ch);
    ch.pipeline().addLast(new SignalingHandler(new SignalingSession(ch, rooms, settings, settings.token() == null),
        settings, closed::incrementAndGet));
    return ch;
  }

  private static ServerMessage read(EmbeddedChannel ch) {
    Object o = ch.readOutbound();
    assertThat(o).isInstanceOf(TextWebSocketFrame.class);
    TextWebSocketFrame f = (TextWebSocketFrame) o;
    try {
      return SignalingCodec.decodeServer(f.text());
    } finally {
      f.release();
    }
  }

  private static void send(EmbeddedChannel ch, SignalingRequest r) {
    ch.writeInbound(new TextWebSocketFrame(SignalingCodec.encode(r)));
  }

  @Test
  void joinThenCloseSendsLeaveToTheOther() {
    EmbeddedChannel a = channel(SignalingSettings.DEFAULT);
    EmbeddedChannel b = channel(SignalingSettings.DEFAULT);
    send(a, SignalingRequest.join("1", "r", "alice"));
    assertThat(read(a)).isInstanceOf(ServerMessage.JoinReply.class);
    send(b, SignalingRequest.join("2", "r", "bob"));
    assertThat(read(b)).isInstanceOf(ServerMessage.JoinReply.class);
    assertThat(((ServerMessage.Notify) read(a)).event()).isEqualTo("join");
    b.close();
    ServerMessage.Notify leave = (ServerMessage.Notify) read(a);
    assertThat(leave.event()).isEqualTo("leave");
    assertThat(leave.peer().display()).isEqualTo("bob");
    assertThat(closed.get()).isEqualTo(1);
    a.close();
    assertThat(rooms.roomCount()).isZero();
    assertThat(rooms.memberCount()).isZero();
  }

  @Test
  void pingIsAnsweredWithItsPayloadAndBinaryIsRefused() {
    EmbeddedChannel a = channel(SignalingSettings.DEFAULT);
    a.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    PongWebSocketFrame pong = a.readOutbound();
    assertThat(pong.content().readableBytes()).isEqualTo(3);
    pong.release();
    a.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
    assertThat(((ServerMessage.ErrorReply) read(a)).error()).isEqualTo(SignalingError.BAD_REQUEST);
    assertThat(a.isActive()).isTrue();
  }

  @Test
  void oversizedFrameFromTheDecoderClosesWithAnErrorAnd1009() {
    EmbeddedChannel a = channel(SignalingSettings.DEFAULT);
    a.pipeline().fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length"));
    assertThat(((ServerMessage.ErrorReply) read(a)).error()).isEqualTo(SignalingError.MESSAGE_TOO_LARGE);
    CloseWebSocketFrame close = a.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1009);
    close.release();
    assertThat(a.isActive()).isFalse();
  }

  @Test
  void rateLimitRefusesBeyondTheBurstThenClosesAFlood() {
    EmbeddedChannel a = channel(SignalingSettings.DEFAULT.withRate(1)); // burst 2
    for (int i = 0; i < 3; i++) {
      send(a, new SignalingRequest(Integer.toString(i), "nop", null, null, null, null, null, null, null));
    }
    assertThat(((ServerMessage.ErrorReply) read(a)).error()).isEqualTo(SignalingError.UNKNOWN_ACTION);
    assertThat(((ServerMessage.ErrorReply) read(a)).error()).isEqualTo(SignalingError.UNKNOWN_ACTION);
    ServerMessage.ErrorReply limited = (ServerMessage.ErrorReply) read(a);
    assertThat(limited.error()).isEqualTo(SignalingError.RATE_LIMITED);
    assertThat(limited.tid()).isEqualTo("2");
    for (int i = 0; i < 200 && a.isActive(); i++) {
      a.writeInbound(new TextWebSocketFrame("{}"));
    }
    assertThat(a.isActive()).isFalse();
  }

  @Test
  void tokenBucketRefillsWithTime() {
    var bucket = new SignalingSession.TokenBucket(10, 2, 0);
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isFalse();
    assertThat(bucket.tryTake(100_000_000)).isTrue(); // 0.1 s = one token at 10/s
    assertThat(bucket.tryTake(100_000_000)).isFalse();
  }
}
