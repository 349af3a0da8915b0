package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.stun.ErrorCode;
import studio.tally.proto.stun.OpaqueAttribute;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.UnknownAttributes;
import studio.tally.proto.stun.Username;
import studio.tally.server.tls.ServerCertificate;

/** The agent and the TCP framing handler in memory (EmbeddedChannel, fake clock): deterministic edge cases. */
class IceLiteAgentTest {
  private static final ServerCertificate CERT = ServerCertificate.selfSigned("tally-agent-test", Duration.ofDays(2));
  private static final InetSocketAddress PEER1 = new InetSocketAddress("127.0.0.1", 40001);
  private static final InetSocketAddress PEER2 = new InetSocketAddress("127.0.0.1", 40002);
  private static final InetSocketAddress PEER3 = new InetSocketAddress("127.0.0.1", 40003);

  private final EmbeddedChannel udp = new EmbeddedChannel();
  private final AtomicLong now = new AtomicLong();
  private final WebRtcTransportServer server = new WebRtcTransportServer(
      RtcTransportConfig.DEFAULT.withConsentTimeout(Duration.ofSeconds(30)), (EventLoopGroup) udp.eventLoop(), CERT, now::get);
  private final RecordingListener events = new RecordingListener();
  private final IceCredentials creds = IceCredentials.random("peer", null);

  @AfterEach
  void close() {
    server.close();
    udp.finishAndReleaseAll();
  }

  private StunMessage checkFrom(InetSocketAddress from, byte[] request) {
    server.onPacket(Unpooled.wrappedBuffer(request), new RtcPath.Udp(udp, from));
    DatagramPacket out = udp.readOutbound();
    if (out == null) {
      return null;
    }
    try {
      assertThat(out.recipient()).isEqualTo(from);
      return StunMessage.parse(ByteBufUtil.getBytes(out.content()));
    } finally {
      out.release();
    }
  }

  private StunMessage check(InetSocketAddress from, boolean useCandidate) {
    return checkFrom(from, RtcTestClient.bindingRequest(creds.expectedUsername(), creds.localPwd(), useCandidate));
  }

  @Test
  void theLatestNominatedPathIsSelectedAndPlainChecksDoNotOverrideIt() {
    RtcTransport t = server.createTransport(creds, null, events);
    assertThat(check(PEER1, false).type()).isEqualTo(StunMessageType.BINDING_SUCCESS);
    assertThat(t.selectedPath()).isEqualTo(new RtcPath.Udp(udp, PEER1)); // not nominated yet: latest check
    assertThat(check(PEER2, true).type()).isEqualTo(StunMessageType.BINDING_SUCCESS);
    assertThat(t.selectedPath()).isEqualTo(new RtcPath.Udp(udp, PEER2));
    check(PEER3, false);
    assertThat(t.selectedPath()).as("a plain check does not move a nominated path").isEqualTo(new RtcPath.Udp(udp, PEER2));
    check(PEER3, true);
    assertThat(t.selectedPath()).isEqualTo(new RtcPath.Udp(udp, PEER3));
    assertThat(t.stats().checks()).isEqualTo(4);
    assertThat(t.state()).isEqualTo(RtcTransport.State.CHECKED);
  }

  @Test
  void unknownComprehensionRequiredAttributeGets420WithTheirTypes() {
    server.createTransport(creds, null, events);
    byte[] request = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(new Random()))
        .add(new Username(creds.expectedUsername())).add(new OpaqueAttribute(0x0031, new byte[4]))
        .messageIntegrity(StunIntegrity.shortTermKey(creds.localPwd())).fingerprint().toBytes();
    StunMessage r = checkFrom(PEER1, request);
    assertThat(r.type().messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
    assertThat(r.attribute(ErrorCode.class).orElseThrow().code()).isEqualTo(420);
    assertThat(r.attribute(UnknownAttributes.class).orElseThrow().types()).containsExactly(0x0031);
    assertThat(server.counters().stunUnknownAttribute.sum()).isEqualTo(1);
  }

  @Test
  void checksWithoutFingerprintAndNonRequestsAreNotAnswered() {
    server.createTransport(creds, null, events);
    byte[] noFingerprint = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(new Random()))
        .add(new Username(creds.expectedUsername())).messageIntegrity(StunIntegrity.shortTermKey(creds.localPwd())).toBytes();
    assertThat(checkFrom(PEER1, noFingerprint)).isNull();
    assertThat(server.counters().stunMalformed.sum()).isEqualTo(1);
    byte[] indication = StunMessage.builder(StunMessageType.BINDING_INDICATION, StunMessage.newTransactionId(new Random()))
        .fingerprint().toBytes();
    assertThat(checkFrom(PEER1, indication)).isNull();
    assertThat(server.counters().stunIgnored.sum()).isEqualTo(1);
  }

  @Test
  void aUfragPairCanBeRegisteredOnce() {
    server.createTransport(creds, null, events);
    RecordingListener second = new RecordingListener();
    assertThatThrownBy(() -> server.createTransport(creds, null, second))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(creds.expectedUsername());
    assertThat(server.transportCount()).isEqualTo(1);
    assertThat(second.closed).as("the refused transport tells no one").isNotDone();
    assertThat(server.counters().transportsCreated.sum()).isEqualTo(1);
  }

  @Test
  void consentExpiresThirtySecondsAfterTheLastValidCheck() {
    udp.freezeTime();
    RtcTransport t = server.createTransport(creds, null, events);
    check(PEER1, true);
    advance(29);
    check(PEER1, false); // consent refreshed
    advance(29);
    assertThat(t.state()).isNotEqualTo(RtcTransport.State.CLOSED);
    advance(2);
    assertThat(t.state()).isEqualTo(RtcTransport.State.CLOSED);
    assertThat(events.closed.getNow(null)).isEqualTo("consent expired");
    assertThat(server.transportCount()).isZero();
    assertThat(check(PEER1, true)).as("its username is forgotten").isNull();
  }

  private void advance(int seconds) {
    for (int i = 0; i < seconds; i++) { // in 1 s steps, as the consent timer ticks
      now.addAndGet(TimeUnit.SECONDS.toNanos(1));
      udp.advanceTimeBy(1, TimeUnit.SECONDS);
      udp.runScheduledPendingTasks();
    }
  }

  @Test
  void tcpFramesInAnyFragmentationAndAnOversizedFrameClosesTheConnection() {
    RtcTransport t = server.createTransport(creds, null, events);
    EmbeddedChannel tcp = new EmbeddedChannel() {
      @Override
      public java.net.SocketAddress remoteAddress() {
        return PEER1;
      }
    };
    server.installTcp(tcp.pipeline());
    byte[] check = RtcTestClient.bindingRequest(creds.expectedUsername(), creds.localPwd(), true);
    ByteBuf framed = Unpooled.buffer().writeShort(check.length).writeBytes(check);
    while (framed.isReadable()) { // one byte per read
      tcp.writeInbound(framed.readRetainedSlice(1));
    }
    framed.release();
    ByteBuf out = tcp.readOutbound();
    assertThat(out.readUnsignedShort()).isEqualTo(out.readableBytes());
    assertThat(StunMessage.parse(ByteBufUtil.getBytes(out)).type()).isEqualTo(StunMessageType.BINDING_SUCCESS);
    out.release();
    assertThat(t.selectedPath()).isEqualTo(new RtcPath.Tcp(tcp));

    tcp.writeInbound(Unpooled.buffer().writeShort(0xFFFF).writeZero(100));
    assertThat(tcp.isOpen()).isFalse();
    assertThat(server.counters().tcpOversizedFrame.sum()).isEqualTo(1);
    assertThat(t.state()).isEqualTo(RtcTransport.State.CLOSED);
    assertThat(events.closed.getNow(null)).isEqualTo("tcp path closed");
    tcp.finishAndReleaseAll();
  }
}
