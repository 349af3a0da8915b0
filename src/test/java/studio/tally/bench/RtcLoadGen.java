package studio.tally.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many WHEP players in this JVM: one UDP socket each (the server tells peers apart by source
 * address) on a few shared event loops (epoll when the bench profile put it on the classpath, else
 * NIO), joins on virtual threads with a bounded number of DTLS handshakes in flight (the handshake
 * is the expensive part for both ends), leaves by WHEP DELETE.
 */
final class RtcLoadGen implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> channelClass;
  private final RtcSignaling signaling;
  private final int verifyEvery;
  private final List<RtcPeer> players = new ArrayList<>();
  private final ExecutorService joiners = Executors.newVirtualThreadPerTaskExecutor();
  final String transport;
  /** The last join failure, for the report. */
  final AtomicReference<String> lastError = new AtomicReference<>();

  @SuppressWarnings("unchecked")
  RtcLoadGen(int threads, RtcSignaling signaling, int verifyEvery) {
    IoHandlerFactory factory = NioIoHandler.newFactory();
    Class<? extends DatagramChannel> cls = NioDatagramChannel.class;
    String t = "nio";
    try {
      Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
      if ((boolean) epoll.getMethod("isAvailable").invoke(null)) {
        factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler").getMethod("newFactory").invoke(null);
        cls = (Class<? extends DatagramChannel>) Class.forName("io.netty.channel.epoll.EpollDatagramChannel");
        t = "epoll";
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      // NIO it is
    }
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("rtc-loadgen", true), factory);
    this.channelClass = cls;
    this.transport = t;
    this.signaling = signaling;
    this.verifyEvery = verifyEvery;
  }

  /** A peer on a fresh loopback socket (not joined yet). */
  RtcPeer open(boolean publish) {
    RtcPeer peer = new RtcPeer(publish, verifyEvery);
    peer.bind(bind(peer));
    return peer;
  }

  /** A fresh loopback UDP socket on the players' loops (the kernel floor's receivers use these too). */
  Channel bind(ChannelHandler handler) {
    return new Bootstrap().group(group).channel(channelClass)
        .option(ChannelOption.SO_RCVBUF, 1 << 20)
        .handler(handler)
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  /**
   * Adds {@code n} players of {@code path}, at most {@code inFlight} joining at once. Returns how
   * many failed to join (their sockets are closed; the reason is in {@link #lastError}).
   */
  int add(String path, int n, int inFlight, long timeoutMillis) throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    ConcurrentLinkedQueue<RtcPeer> joined = new ConcurrentLinkedQueue<>();
    AtomicInteger failed = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (int i = 0; i < n; i++) {
      if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        failed.addAndGet(n - i);
        lastError.set("join timeout");
        break;
      }
      joiners.execute(() -> {
        RtcPeer p = open(false);
        try {
          p.join(signaling, path, 0, 0);
          joined.add(p);
        } catch (Exception e) {
          failed.incrementAndGet();
          lastError.set(e.toString());
          leave(p);
        } finally {
          slots.release();
        }
      });
    }
    slots.acquire(inFlight); // every join finished
    slots.release(inFlight);
    players.addAll(joined);
    return failed.get();
  }

  List<RtcPeer> players() {
    return players;
  }

  /** Every player leaves: WHEP DELETE (a few at a time), then its socket closes. */
  void closeAll() throws InterruptedException {
    Semaphore slots = new Semaphore(32);
    for (RtcPeer p : players) {
      slots.acquire();
      joiners.execute(() -> {
        try {
          leave(p);
        } finally {
          slots.release();
        }
      });
    }
    slots.acquire(32);
    slots.release(32);
    players.clear();
  }

  private void leave(RtcPeer p) {
    try {
      if (p.location() != null) {
        signaling.delete(p.location());
      }
    } catch (Exception e) {
      lastError.set("DELETE: " + e);
    } finally {
      p.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closeAll();
    joiners.shutdown();
    joiners.awaitTermination(10, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
  }
}
