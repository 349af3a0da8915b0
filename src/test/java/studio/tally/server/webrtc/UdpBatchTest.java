package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fan-out's batched writes: every datagram arrives, whether flushed by the queued task or by a full batch. */
class UdpBatchTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Channel bind(SimpleChannelInboundHandler<DatagramPacket> handler) {
    return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, 8 << 20).option(ChannelOption.SO_SNDBUF, 8 << 20)
        .handler(handler).bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  @Test
  void batchesOfAnySizeAllArriveInOrderPerReceiver() throws Exception {
    AtomicInteger received = new AtomicInteger();
    ConcurrentHashMap<Integer, Integer> lastSeen = new ConcurrentHashMap<>();
    AtomicInteger outOfOrder = new AtomicInteger();
    Channel receiver = bind(new SimpleChannelInboundHandler<>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
        int i = p.content().readInt();
        Integer before = lastSeen.put(p.sender().getPort(), i);
        if (before != null && before >= i) {
          outOfOrder.incrementAndGet();
        }
        received.incrementAndGet();
      }
    });
    Channel sender = bind(new SimpleChannelInboundHandler<>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      }
    });
    UdpBatch.install(sender);
    InetSocketAddress to = (InetSocketAddress) receiver.localAddress();
    int total = UdpBatch.MAX_PENDING * 2 + 123; // two full batches flushed on the spot, then the queued flush
    sender.eventLoop().execute(() -> {
      for (int i = 0; i < total; i++) {
        UdpBatch.write(sender, new DatagramPacket(Unpooled.buffer(4).writeInt(i), to));
      }
    });
    // and from another thread: written and flushed at once
    UdpBatch.write(sender, new DatagramPacket(Unpooled.buffer(4).writeInt(total), to));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == total + 1);
    assertThat(outOfOrder.get()).isZero();
    sender.close().syncUninterruptibly();
    receiver.close().syncUninterruptibly();
  }
}
