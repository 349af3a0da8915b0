package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fan-out's native sendmmsg batch on real sockets: every datagram arrives intact, refusals are counted. */
class MmsgSenderTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A receiver recording what it got: its payloads in order. */
  private record Receiver(Channel channel, List<byte[]> got) {
    InetSocketAddress address() {
      return (InetSocketAddress) channel.localAddress();
    }
  }

  private Receiver receiver(String host) {
    List<byte[]> got = new CopyOnWriteArrayList<>();
    Channel ch = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, 8 << 20)
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            got.add(ByteBufUtil.getBytes(p.content()));
          }
        }).bind(host, 0).syncUninterruptibly().channel();
    return new Receiver(ch, got);
  }

  private Channel sender(Bootstrap b, String host) {
    return b.group(group).option(ChannelOption.SO_SNDBUF, 8 << 20).handler(new ChannelInboundHandlerAdapter())
        .bind(host, 0).syncUninterruptibly().channel();
  }

  private static byte[] payload(int i, int size) {
    byte[] b = new byte[size];
    for (int k = 0; k < size; k++) {
      b[k] = (byte) (i * 31 + k);
    }
    return b;
  }

  /** Many batches to several receivers, over an IPv4 socket and a dual-stack IPv6 one (v4-mapped addresses), by InetSocketAddress and by address int. */
  @Test
  void everyDatagramArrivesIntactInOrder() throws Exception {
    for (SocketProtocolFamily family : List.of(SocketProtocolFamily.INET, SocketProtocolFamily.INET6)) {
      boolean v6 = family == SocketProtocolFamily.INET6;
      Channel out = sender(new Bootstrap().channelFactory(() -> new EpollDatagramChannel(family)), v6 ? "::" : "127.0.0.1");
      MmsgSender mmsg = onLoop(out, () -> MmsgSender.open(out));
      assertThat(mmsg).as("Linux: the native sender opens on an epoll socket").isNotNull();
      List<Receiver> receivers = List.of(receiver("127.0.0.1"), receiver("127.0.0.1"), receiver("127.0.0.1"));
      int perReceiver = 700; // 2100 datagrams: two full batches and a partial one
      onLoop(out, () -> {
        for (int i = 0; i < perReceiver; i++) {
          for (Receiver r : receivers) {
            if (mmsg.full()) {
              mmsg.flush();
            }
            byte[] b = payload(i, 1 + i % 1400);
            boolean queued = i % 2 == 0 ? mmsg.add(b, 0, b.length, r.address()) // every other one by its address int
                : mmsg.addIpv4(b, 0, b.length, 0x7F000001, r.address().getPort());
            assertThat(queued).isTrue();
          }
        }
        return mmsg.flush();
      });
      for (Receiver r : receivers) {
        await().atMost(Duration.ofSeconds(10)).until(() -> r.got().size() == perReceiver);
        for (int i = 0; i < perReceiver; i++) {
          assertThat(r.got().get(i)).as("datagram %d", i).isEqualTo(payload(i, 1 + i % 1400));
        }
        r.channel().close().syncUninterruptibly();
      }
      assertThat(mmsg.sent()).isEqualTo(3L * perReceiver);
      assertThat(mmsg.dropped()).isZero();
      out.close().syncUninterruptibly();
    }
  }

  /** A destination the kernel refuses (port 0) is dropped and counted; the rest of the batch still goes. */
  @Test
  void aRefusedDestinationIsCountedAndTheOthersStillGo() throws Exception {
    Channel out = sender(new Bootstrap().channel(EpollDatagramChannel.class), "127.0.0.1");
    LongAdder dropped = new LongAdder();
    MmsgSender mmsg = onLoop(out, () -> MmsgSender.open(out, dropped));
    Receiver r = receiver("127.0.0.1");
    InetSocketAddress bad = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    int sent = onLoop(out, () -> {
      mmsg.add(payload(1, 10), 0, 10, r.address());
      mmsg.add(payload(2, 10), 0, 10, bad);
      mmsg.add(payload(3, 10), 0, 10, r.address());
      return mmsg.flush();
    });
    assertThat(sent).isEqualTo(2);
    assertThat(dropped.sum()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> r.got().size() == 2);
    assertThat(r.got().get(1)).isEqualTo(payload(3, 10));
    out.close().syncUninterruptibly();
    r.channel().close().syncUninterruptibly();
  }

  /** What a slot cannot take is refused up front, so the caller sends it its other way. */
  @Test
  void refusesWhatASlotCannotTake() throws Exception {
    Channel out = sender(new Bootstrap().channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET)),
        "127.0.0.1");
    MmsgSender mmsg = onLoop(out, () -> MmsgSender.open(out));
    InetSocketAddress v4 = new InetSocketAddress("127.0.0.1", 9);
    InetSocketAddress v6 = new InetSocketAddress("::1", 9);
    onLoop(out, () -> {
      assertThat(mmsg.add(new byte[MmsgSender.SLOT_BYTES + 1], 0, MmsgSender.SLOT_BYTES + 1, v4)).as("oversized").isFalse();
      assertThat(mmsg.add(new byte[10], 0, 10, v6)).as("IPv6 on an IPv4 socket").isFalse();
      for (int i = 0; i < MmsgSender.MAX_BATCH; i++) {
        assertThat(mmsg.add(new byte[10], 0, 10, v4)).isTrue();
      }
      assertThat(mmsg.full()).isTrue();
      assertThat(mmsg.add(new byte[10], 0, 10, v4)).as("batch full").isFalse();
      assertThat(mmsg.pending()).isEqualTo(MmsgSender.MAX_BATCH);
      return null;
    });
    out.close().syncUninterruptibly();
  }

  /** A NIO channel has no file descriptor to hand over: no sender, the caller keeps Netty's writes. */
  @Test
  void noSenderOnNio() {
    EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel ch = new Bootstrap().group(nio).channel(NioDatagramChannel.class).handler(new ChannelInboundHandlerAdapter())
          .bind("127.0.0.1", 0).syncUninterruptibly().channel();
      assertThat(MmsgSender.open(ch)).isNull();
      ch.close().syncUninterruptibly();
    } finally {
      nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static <T> T onLoop(Channel ch, java.util.concurrent.Callable<T> task) throws Exception {
    return ch.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }
}
