package studio.tally.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import studio.tally.server.tls.ServerCertificate;

/**
 * The TLS context is built when the first TLS client arrives, off the event loop: that client's bytes
 * wait (reads paused) and then reach the TLS handler whole; a context that cannot be built closes the
 * connection with a count, never a hang.
 */
class ConnectionSnifferTlsTest {
  private final ServerCertificate identity = ServerCertificate.selfSigned("sniffer test", Duration.ofDays(1));

  @Test
  void theFirstTlsClientWaitsForTheContextThenItsHelloIsAnswered() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    LazySslContext lazy = new LazySslContext(() -> {
      gate.await();
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new javax.net.ssl.KeyManager[] {identity.keyManager()}, new javax.net.ssl.TrustManager[0], null);
      return tls;
    });
    SniffStats stats = new SniffStats();
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionSniffer(httpOnly(), lazy, Duration.ofSeconds(5), stats));
    assertThat(lazy.started()).as("nothing built before a TLS client").isFalse();
    byte[] hello = clientHello();
    ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, 20));
    ch.writeInbound(Unpooled.wrappedBuffer(hello, 20, hello.length - 20));
    assertThat(lazy.started()).isTrue();
    assertThat(ch.pipeline().get(SslHandler.class)).as("no TLS handler while the context is built").isNull();
    assertThat(ch.config().isAutoRead()).as("reads paused meanwhile").isFalse();

    gate.countDown();
    await().atMost(Duration.ofSeconds(20)).until(() -> lazy.get().isDone());
    ch.runPendingTasks();
    assertThat(ch.pipeline().get(SslHandler.class)).isNotNull();
    assertThat(ch.config().isAutoRead()).isTrue();
    ByteBuf serverHello = ch.readOutbound();
    assertThat(serverHello).as("the buffered ClientHello reached the TLS handler and was answered").isNotNull();
    assertThat(serverHello.getByte(0)).as("a TLS handshake record").isEqualTo((byte) 22);
    serverHello.release();
    assertThat(stats.tlsFailed.sum()).isZero();
    ch.finishAndReleaseAll();

    // the next TLS client finds the context built: its handler goes in at once
    EmbeddedChannel next = new EmbeddedChannel(new ConnectionSniffer(httpOnly(), lazy, Duration.ofSeconds(5), stats));
    next.writeInbound(Unpooled.wrappedBuffer(clientHello()));
    assertThat(next.pipeline().get(SslHandler.class)).isNotNull();
    next.finishAndReleaseAll();
  }

  @Test
  void aContextThatCannotBeBuiltClosesTheConnectionAndCountsIt() throws Exception {
    LazySslContext broken = new LazySslContext(() -> {
      throw new IllegalStateException("the key does not match the certificate");
    });
    SniffStats stats = new SniffStats();
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionSniffer(httpOnly(), broken, Duration.ofSeconds(5), stats));
    ch.writeInbound(Unpooled.wrappedBuffer(clientHello()));
    await().atMost(Duration.ofSeconds(20)).until(() -> broken.get().isDone());
    ch.runPendingTasks();
    assertThat(ch.isActive()).isFalse();
    assertThat(stats.tlsFailed.sum()).isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  private static ProtocolHandlers httpOnly() {
    return new ProtocolHandlers() {
      @Override
      public void install(Protocol protocol, ChannelPipeline pipeline, boolean tls) {
        throw new AssertionError("no protocol behind TLS in these tests: " + protocol);
      }

      @Override
      public boolean supports(Protocol protocol) {
        return protocol == Protocol.HTTP;
      }
    };
  }

  /** A real ClientHello from the JDK's TLS client. */
  private static byte[] clientHello() throws Exception {
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, null, null);
    SSLEngine engine = client.createSSLEngine("localhost", 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }
}
