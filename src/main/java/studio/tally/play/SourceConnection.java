package studio.tally.play;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.function.Consumer;
import studio.tally.output.TlsTrust;

/**
 * The TCP (or TLS) connection a player's source reads from: connect with the player's timeout, TLS
 * first when the URL asks for it, then the source's handlers; reading on and off for back-pressure;
 * close at any time, also before the connect has finished.
 */
final class SourceConnection {
  private final EventLoopGroup group;
  private final String host;
  private final int port;
  private final TlsTrust tls;
  private final int connectTimeoutMs;
  private volatile Channel channel;
  private volatile boolean closed;

  SourceConnection(EventLoopGroup group, String host, int port, boolean useTls, PlayerOptions options) {
    this.group = group;
    this.host = host;
    this.port = port;
    this.tls = useTls ? new TlsTrust(options.tlsFingerprint(), options.insecureTls()) : null;
    this.connectTimeoutMs = (int) options.connectTimeout().toMillis();
  }

  /** Connects; {@code handlers} follow TLS in the pipeline; {@code failed} hears why a connect failed. */
  void open(Consumer<Throwable> failed, ChannelHandler... handlers) {
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls != null) ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port));
            ch.pipeline().addLast(handlers);
          }
        });
    b.connect(host, port).addListener(f -> {
      if (!f.isSuccess()) {
        failed.accept(f.cause());
      } else {
        channel = ((ChannelFuture) f).channel();
        if (closed) channel.close();
      }
    });
  }

  /** The TLS trust in use, or null for plain TCP (failures name the certificate with it). */
  TlsTrust tls() {
    return tls;
  }

  void setReading(boolean reading) {
    Channel c = channel;
    if (c != null) c.config().setAutoRead(reading);
  }

  void close() {
    closed = true;
    Channel c = channel;
    if (c != null) c.close();
  }
}
