package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import studio.tally.config.Destination;
import studio.tally.output.TlsTrust;
import studio.tally.testing.SelfSignedCert;

/**
 * A studio WHIP destination relayed through a {@code turns:} TURN server trusts the relay the way its
 * dialog says: by the pinned SHA-256, by "accept any certificate", or by the system's trust when neither
 * is set. Real TLS handshakes against a self-signed server on loopback.
 */
class DestinationLinkRelayTlsTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void theRelaysCertificateIsTrustedByItsPinOrByTheSystem(@TempDir Path dir) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    SslContext serverTls = SslContextBuilder.forServer(cert.keyPair().getPrivate(), cert.certificate()).build();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(serverTls.newHandler(ch.alloc()));
          }
        }).bind("127.0.0.1", 0).sync().channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    Destination relayed = Destination.whip("Edge", "https://edge.example/whip/live/s", "tok")
        .withIceServers(List.of("turns:relay:relay_pass@127.0.0.1:" + port));

    TlsTrust pinned = DestinationLink.relayTls(relayed.withTls(cert.sha256Fingerprint(), false));
    assertThat(handshake(pinned, port)).as("pinned: " + pinned.lastFailure()).isTrue();

    TlsTrust otherPin = DestinationLink.relayTls(relayed.withTls("AB".repeat(32), false));
    assertThat(handshake(otherPin, port)).isFalse();
    assertThat(otherPin.lastFailure()).contains("does not match the pinned fingerprint").containsIgnoringCase(cert.sha256Fingerprint().substring(0, 2) + ":" + cert.sha256Fingerprint().substring(2, 4));

    assertThat(handshake(DestinationLink.relayTls(relayed.withTls(null, true)), port)).as("accept any").isTrue();

    assertThat(DestinationLink.relayTls(relayed)).as("neither: the transport uses the system's trust").isNull();
    assertThat(handshake(new TlsTrust(null, false), port)).as("a self-signed relay is not in the system's trust").isFalse();
    server.close().sync();
  }

  private boolean handshake(TlsTrust trust, int port) throws Exception {
    SslHandler[] tls = new SslHandler[1];
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            tls[0] = trust.newHandler(c.alloc(), "127.0.0.1", port);
            c.pipeline().addLast(tls[0]);
          }
        }).connect("127.0.0.1", port).sync().channel();
    try {
      return tls[0].handshakeFuture().await(10, TimeUnit.SECONDS) && tls[0].handshakeFuture().isSuccess();
    } finally {
      ch.close().sync();
    }
  }
}
