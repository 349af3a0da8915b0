package studio.tally.server.webrtc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import studio.tally.server.tls.ServerCertificate;

/**
 * Fuzz target: bytes into the WebRTC transport server's input paths — a datagram from the path a
 * valid check bound to a transport (so DTLS and SRTP reach it), a datagram from an unknown source,
 * or a TCP stream cut into pieces through the RFC 4571 handler. Nothing may throw, and every input
 * buffer must be released (or, for datagrams, left with the caller's one reference). The
 * EmbeddedChannel's loop runs everything inline. One {@code @FuzzTest} per class (see pom.xml).
 */
class RtcTransportInputFuzzTest {
  private static final ServerCertificate CERT = ServerCertificate.selfSigned("tally-fuzz", Duration.ofDays(2));
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40001);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 40002);
  private static final EmbeddedChannel UDP = new EmbeddedChannel();
  private static final WebRtcTransportServer SERVER = new WebRtcTransportServer(RtcTransportConfig.DEFAULT,
      (EventLoopGroup) UDP.eventLoop(), CERT, System::nanoTime);
  private static RtcTransport transport;
  private static IceCredentials creds;

  /** A transport with a bound UDP path; a new one when the fuzzer managed to end the last. */
  private static void ensureBoundTransport() {
    if (transport != null && transport.state() != RtcTransport.State.CLOSED) {
      return;
    }
    creds = IceCredentials.random("peer" + Integer.toHexString(System.identityHashCode(new Object())), null);
    transport = SERVER.createTransport(creds, null, new RtcTransport.Listener() {});
    byte[] check = RtcTestClient.bindingRequest(creds.expectedUsername(), creds.localPwd(), true);
    ByteBuf b = Unpooled.wrappedBuffer(check);
    SERVER.onPacket(b, new RtcPath.Udp(UDP, PEER));
    b.release();
    drain(UDP);
  }

  private static void drain(EmbeddedChannel ch) {
    Object out;
    while ((out = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(out);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void arbitraryInput(FuzzedDataProvider data) {
    ensureBoundTransport();
    int mode = data.consumeInt(0, 3);
    if (mode == 3) {
      tcp(data);
      return;
    }
    byte[] packet = data.consumeRemainingAsBytes();
    if (mode == 2 && packet.length >= 20) {
      // a check with the right username, so integrity and attribute parsing are reached
      byte[] check = RtcTestClient.bindingRequest(creds.expectedUsername(), creds.localPwd(), false);
      System.arraycopy(packet, 0, check, 20, Math.min(packet.length - 20, check.length - 20));
      packet = check;
    }
    ByteBuf b = Unpooled.wrappedBuffer(packet);
    SERVER.onPacket(b, new RtcPath.Udp(UDP, mode == 1 ? STRANGER : PEER));
    UDP.runPendingTasks();
    if (b.refCnt() != 1) {
      throw new AssertionError("datagram buffer refCnt " + b.refCnt() + " after onPacket (leak or double release)");
    }
    b.release();
    drain(UDP);
  }

  private static void tcp(FuzzedDataProvider data) {
    EmbeddedChannel tcp = new EmbeddedChannel() {
      @Override
      public SocketAddress remoteAddress() {
        return PEER;
      }
    };
    SERVER.installTcp(tcp.pipeline());
    List<ByteBuf> written = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0 && tcp.isOpen()) {
        byte[] piece = data.consumeBytes(data.consumeInt(1, 400));
        if (piece.length == 0) {
          break;
        }
        ByteBuf b = Unpooled.wrappedBuffer(piece);
        written.add(b);
        tcp.writeInbound(b);
        drain(tcp);
      }
    } finally {
      tcp.finishAndReleaseAll();
    }
    for (ByteBuf b : written) {
      if (b.refCnt() != 0) {
        throw new AssertionError("TCP input not released: refCnt " + b.refCnt());
      }
    }
  }
}
