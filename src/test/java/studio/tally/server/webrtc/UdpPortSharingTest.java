package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.server.tls.ServerCertificate;

/**
 * One socket per RTC loop shares one port through SO_REUSEPORT, which the kernel also grants to any
 * other reuse-port socket of the same user: a second server on our port must still be refused
 * ("address in use"), not quietly handed half of our datagrams.
 */
class UdpPortSharingTest {
  private static final ServerCertificate CERT = ServerCertificate.selfSigned("tally-port-test", Duration.ofDays(2));
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final WebRtcTransportServer first = new WebRtcTransportServer(RtcTransportConfig.DEFAULT, loops, CERT);
  private final WebRtcTransportServer second = new WebRtcTransportServer(RtcTransportConfig.DEFAULT, loops, CERT);

  @AfterEach
  void close() {
    second.close();
    first.close();
    loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Test
  void aSecondServerOnTheSamePortIsRefusedWithEitherNumberOfLoops() throws IOException {
    first.bindUdp(new InetSocketAddress("127.0.0.1", 0), 2);
    assertThat(first.udpSockets()).as("one socket per loop").isEqualTo(2);
    InetSocketAddress taken = first.udpAddress();
    for (int rtcLoops : new int[] {2, 1}) {
      assertThatThrownBy(() -> second.bindUdp(taken, rtcLoops)).as("%d loop(s)", rtcLoops)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot bind WebRTC UDP " + taken)
          .hasMessageContaining("is another server using it?");
    }
    second.bindUdp(new InetSocketAddress("127.0.0.1", 0), 2);
    assertThat(second.udpAddress().getPort()).as("a port of its own").isNotEqualTo(taken.getPort());
  }
}
