package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunMessage;
import studio.tally.server.tls.ServerCertificate;

/**
 * Seeded random and mutated packets through the demultiplexer, the agent and the TCP framing (with
 * Netty's leak detector at PARANOID, as every test runs): nothing throws, nothing leaks, the bound
 * transport stays open, and only well-formed error responses ever go back.
 */
class RtcRandomInputTest {
  private static final ServerCertificate CERT = ServerCertificate.selfSigned("tally-random-test", Duration.ofDays(2));
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40001);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 40002);
  private static final int[] FIRST_BYTES = {0, 1, 3, 16, 20, 22, 23, 63, 64, 128, 0x80, 0x90, 191, 255};

  private final EmbeddedChannel udp = new EmbeddedChannel();
  private final WebRtcTransportServer server = new WebRtcTransportServer(RtcTransportConfig.DEFAULT,
      (EventLoopGroup) udp.eventLoop(), CERT, System::nanoTime);
  private final RecordingListener events = new RecordingListener();
  private final IceCredentials creds = IceCredentials.random("peer", null);

  @AfterEach
  void close() {
    server.close();
    udp.finishAndReleaseAll();
  }

  @Test
  void randomAndMutatedDatagramsNeverThrowLeakOrDisturbTheSession() {
    RtcTransport t = server.createTransport(creds, null, events);
    byte[] valid = RtcTestClient.bindingRequest(creds.expectedUsername(), creds.localPwd(), true);
    server.onPacket(Unpooled.wrappedBuffer(valid), new RtcPath.Udp(udp, PEER));
    releaseOutbound(1);
    Random random = new Random(20261123);
    for (int i = 0; i < 20_000; i++) {
      byte[] packet;
      if (random.nextBoolean()) { // a valid check with 1..4 bytes changed, or cut short
        packet = RtcTestClient.bindingRequest(creds.expectedUsername(), creds.localPwd(), random.nextBoolean());
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          packet[random.nextInt(packet.length)] ^= (byte) (1 + random.nextInt(255));
        }
        if (random.nextInt(8) == 0) {
          packet = java.util.Arrays.copyOf(packet, random.nextInt(packet.length));
        }
      } else {
        packet = new byte[random.nextInt(200)];
        random.nextBytes(packet);
        if (packet.length > 0) {
          packet[0] = (byte) FIRST_BYTES[random.nextInt(FIRST_BYTES.length)];
        }
        if (packet.length >= 8 && random.nextBoolean()) {
          java.nio.ByteBuffer.wrap(packet).putInt(4, StunMessage.MAGIC_COOKIE);
        }
      }
      InetSocketAddress from = random.nextBoolean() ? PEER : STRANGER;
      server.onPacket(Unpooled.wrappedBuffer(packet), new RtcPath.Udp(udp, from));
      DatagramPacket out;
      while ((out = udp.readOutbound()) != null) {
        try {
          StunMessage response = StunMessage.parse(ByteBufUtil.getBytes(out.content()));
          assertThat(response.type().messageClass()).isIn(StunClass.SUCCESS_RESPONSE, StunClass.ERROR_RESPONSE);
        } finally {
          out.release();
        }
      }
    }
    assertThat(t.state()).isNotEqualTo(RtcTransport.State.CLOSED);
    assertThat(events.closed).isNotDone();
    assertThat(server.transportCount()).isEqualTo(1);
  }

  @Test
  void randomTcpStreamsNeverThrowAndOnlyOversizedFramesClose() {
    server.createTransport(creds, null, events);
    Random random = new Random(4571);
    for (int conn = 0; conn < 300; conn++) {
      EmbeddedChannel tcp = new EmbeddedChannel() {
        @Override
        public java.net.SocketAddress remoteAddress() {
          return PEER;
        }
      };
      server.installTcp(tcp.pipeline());
      long oversizedBefore = server.counters().tcpOversizedFrame.sum();
      for (int chunk = 0; chunk < 20 && tcp.isOpen(); chunk++) {
        byte[] bytes = new byte[1 + random.nextInt(300)];
        random.nextBytes(bytes);
        if (random.nextInt(3) > 0) {
          bytes[0] = 0; // mostly small lengths, so frames complete
        }
        tcp.writeInbound(Unpooled.wrappedBuffer(bytes));
        Object out;
        while ((out = tcp.readOutbound()) != null) {
          io.netty.util.ReferenceCountUtil.release(out);
        }
      }
      if (!tcp.isOpen()) {
        assertThat(server.counters().tcpOversizedFrame.sum()).as("closed only for an oversized frame")
            .isEqualTo(oversizedBefore + 1);
      }
      tcp.finishAndReleaseAll();
    }
    assertThat(events.closed).isNotDone();
  }

  private void releaseOutbound(int expected) {
    for (int i = 0; i < expected; i++) {
      DatagramPacket p = udp.readOutbound();
      assertThat(p).isNotNull();
      p.release();
    }
  }
}
