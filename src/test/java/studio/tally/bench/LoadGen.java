package studio.tally.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The players: Netty clients (epoll when available) in this JVM, 2 event loops. */
final class LoadGen implements AutoCloseable {
  /** A kind of player and how to build its handler. */
  record Target(String label, String host, int port, Function<PlayerStats, ChannelHandler> handler) {
    static Target flv(String host, int port, String app, String stream) {
      return new Target("HTTP-FLV", host, port, s -> new FlvReceiver(host + ":" + port, "/" + app + "/" + stream + ".flv", s));
    }

    static Target rtmp(String host, int port, String app, String stream) {
      String tcUrl = "rtmp://" + host + ":" + port + "/" + app;
      return new Target("RTMP", host, port, s -> new RtmpReceiver(tcUrl, app, stream, s));
    }
  }

  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelClass;
  private final List<Player> players = new ArrayList<>();
  final String transport;

  record Player(PlayerStats stats, Channel channel) {}

  /**
   * Epoll when the bench profile put netty-transport-native-epoll on the classpath (looked up by
   * name so the normal test build compiles without it), else NIO.
   */
  @SuppressWarnings("unchecked")
  LoadGen(int threads) {
    IoHandlerFactory factory = NioIoHandler.newFactory();
    Class<? extends SocketChannel> cls = NioSocketChannel.class;
    String t = "nio";
    try {
      Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
      if ((boolean) epoll.getMethod("isAvailable").invoke(null)) {
        factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler").getMethod("newFactory").invoke(null);
        cls = (Class<? extends SocketChannel>) Class.forName("io.netty.channel.epoll.EpollSocketChannel");
        t = "epoll";
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      // NIO it is
    }
    group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadgen", true), factory);
    channelClass = cls;
    transport = t;
  }

  private Bootstrap bootstrap(Target t, PlayerStats stats) {
    return new Bootstrap().group(group).channel(channelClass)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(t.handler().apply(stats));
          }
        });
  }

  /** Opens one player (not counted in {@link #players()}); for time-to-first-frame probes. */
  PlayerStats open(Target t, List<Channel> sink) {
    PlayerStats stats = new PlayerStats();
    ChannelFuture f = bootstrap(t, stats).connect(t.host(), t.port());
    sink.add(f.channel());
    return stats;
  }

  /**
   * Adds {@code n} players, at most {@code inFlight} connecting at a time (a player counts as
   * connected at its first media byte), so listen backlogs never overflow.
   */
  void add(Target t, int n, int inFlight, long timeoutMillis) throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    ConcurrentLinkedQueue<Player> added = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<PlayerStats> pending = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      while (!slots.tryAcquire(5, TimeUnit.MILLISECONDS)) {
        releaseReady(pending, slots);
        if (System.nanoTime() > deadline) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      PlayerStats stats = new PlayerStats();
      ChannelFuture f = bootstrap(t, stats).connect(t.host(), t.port());
      added.add(new Player(stats, f.channel()));
      pending.add(stats);
      // release the slot when the player has media (polled below) or failed
      f.addListener(done -> {
        if (!done.isSuccess()) {
          stats.error = String.valueOf(done.cause());
          stats.closed = true;
        }
      });
      releaseReady(pending, slots);
    }
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      releaseReady(pending, slots);
      Thread.sleep(5);
    }
    players.addAll(added);
  }

  private static void releaseReady(List<PlayerStats> pending, Semaphore slots) {
    for (int i = pending.size() - 1; i >= 0; i--) {
      PlayerStats s = pending.get(i);
      if (s.firstKeyframeNanos != 0 || s.closed) {
        pending.remove(i);
        slots.release();
      }
    }
  }

  List<Player> players() {
    return players;
  }

  /** Closes every player and waits for the closes. */
  void closeAll() {
    for (Player p : players) {
      p.channel().close();
    }
    for (Player p : players) {
      p.channel().closeFuture().awaitUninterruptibly(2000);
    }
    players.clear();
  }

  @Override
  public void close() {
    closeAll();
    group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
  }
}
