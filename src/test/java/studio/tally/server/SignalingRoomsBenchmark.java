package studio.tally.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import studio.tally.testing.FreePort;
import studio.tally.testing.PeerProcess;

/**
 * Rooms held and join → notify latency: our server ({@code tally serve}, a child JVM so its RSS is its
 * own) holds ROOMS two-person rooms (2 × ROOMS WebSocket sockets from this JVM on one event loop); for
 * each room the first member is joined, then the second joins and the time until the first hears the
 * {@code join} notify is recorded. Prints RSS before/after and the latency quantiles.
 * Run: {@code ulimit -n 65536; java -cp ... studio.tally.server.SignalingRoomsBenchmark 10000}
 */
public final class SignalingRoomsBenchmark {
  public static void main(String[] args) throws Exception {
    int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int port = FreePort.tcp();
    Path dir = Files.createTempDirectory("sig-bench");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (PeerProcess server = PeerProcess.start("tally-serve-sig-bench", List.of(java, "-Xmx1g", "-XX:+UseSerialGC",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "serve",
        "--listen", "127.0.0.1:" + port, "--rtc-udp", "127.0.0.1:0", "--config-dir", dir.toString(), "--log-level", "warn"))) {
      awaitPort(port);
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      try {
        Thread.sleep(2000);
        long rssBefore = rssKb(server.pid());
        List<Channel> all = new ArrayList<>(2 * rooms);
        long[] latencyNs = new long[rooms];
        long started = System.nanoTime();
        for (int r = 0; r < rooms; r++) {
          Client a = open(group, port);
          Client b = open(group, port);
          all.add(a.channel);
          all.add(b.channel);
          a.request("{\"tid\":\"1\",\"msg\":{\"action\":\"join\",\"room\":\"bench" + r + "\",\"display\":\"a\"}}").get(10, TimeUnit.SECONDS);
          CompletableFuture<Long> notified = a.nextNotify();
          long t0 = System.nanoTime();
          b.request("{\"tid\":\"2\",\"msg\":{\"action\":\"join\",\"room\":\"bench" + r + "\",\"display\":\"b\"}}");
          latencyNs[r] = notified.get(10, TimeUnit.SECONDS) - t0;
        }
        long setupMs = (System.nanoTime() - started) / 1_000_000;
        Thread.sleep(3000); // let the server settle (pings, GC)
        long rssAfter = rssKb(server.pid());
        Arrays.sort(latencyNs);
        System.out.println(String.format(Locale.ROOT,
            "SIGNALING rooms=%d sockets=%d setup_ms=%d rss_before_mb=%.1f rss_after_mb=%.1f rss_per_socket_kb=%.2f"
                + " join_notify_ms p50=%.2f p99=%.2f max=%.2f",
            rooms, all.size(), setupMs, rssBefore / 1024.0, rssAfter / 1024.0, (rssAfter - rssBefore) / (double) all.size(),
            q(latencyNs, 0.5), q(latencyNs, 0.99), q(latencyNs, 1.0)));
        all.forEach(Channel::close);
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
    System.exit(0);
  }

  private static double q(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    return -1;
  }

  private static void awaitPort(int port) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      try (var s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("server did not listen on " + port);
  }

  private static Client open(EventLoopGroup group, int port) throws Exception {
    Client c = new Client();
    var cfg = WebSocketClientProtocolConfig.newBuilder().webSocketUri(URI.create("ws://127.0.0.1:" + port + "/sig/v1/rtc"))
        .handshakeTimeoutMillis(10_000).build();
    c.channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536), new WebSocketClientProtocolHandler(cfg), c);
      }
    }).connect("127.0.0.1", port).sync().channel();
    c.open.get(10, TimeUnit.SECONDS);
    return c;
  }

  /** One bare socket: futures for the next reply and the next notify. */
  private static final class Client extends SimpleChannelInboundHandler<Object> {
    Channel channel;
    final CompletableFuture<Void> open = new CompletableFuture<>();
    volatile CompletableFuture<String> reply;
    volatile CompletableFuture<Long> notify;

    CompletableFuture<String> request(String json) {
      reply = new CompletableFuture<>();
      channel.writeAndFlush(new TextWebSocketFrame(json));
      return reply;
    }

    CompletableFuture<Long> nextNotify() {
      notify = new CompletableFuture<>();
      return notify;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        open.complete(null);
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TextWebSocketFrame t) {
        long now = System.nanoTime();
        String s = t.text();
        if (s.contains("\"notify\"")) {
          CompletableFuture<Long> n = notify;
          if (n != null) {
            n.complete(now);
          }
        } else if (reply != null) {
          reply.complete(s);
        }
      }
    }
  }
}
