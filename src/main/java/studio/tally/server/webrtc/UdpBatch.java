package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * Batches the datagrams one event-loop turn writes to the WebRTC UDP socket into one flush. A
 * publisher's packet fans out to every player inline on the socket's loop; writing each copy with its
 * own flush costs a {@code sendto} per player, while one flush at the end of the turn hands the whole
 * batch to the kernel in {@code sendmmsg} calls: through {@link MmsgSender} (Linux: a copy into a
 * native slot per datagram, one FFM call per batch) where it opens, else through Netty's epoll channel
 * (a flushed batch goes out with sendmmsg too; NIO still sends them one by one, but without a wake-up
 * each). Writes from other threads flush at once.
 *
 * <p>The flush runs as a task queued on the loop, which Netty runs after the current I/O turn; a
 * batch that reaches {@link #MAX_PENDING} datagrams is flushed on the spot, so a large fan-out never
 * holds more than that many.
 */
final class UdpBatch implements Runnable {
  static final AttributeKey<UdpBatch> KEY = AttributeKey.valueOf(UdpBatch.class, "batch");
  /** sendmmsg takes at most UIO_MAXIOV (1024) messages per call. */
  static final int MAX_PENDING = 1024;

  private final Channel channel;
  private final MmsgSender mmsg;
  // event loop only
  private int pending;
  private boolean flushQueued;

  private UdpBatch(Channel channel, MmsgSender mmsg) {
    this.channel = channel;
    this.mmsg = mmsg;
  }

  /**
   * Makes {@code channel}'s writes from its own loop batched; with {@code direct}, byte-array writes
   * go through a {@link MmsgSender} where one opens on this socket. Returns that sender, or null.
   */
  static MmsgSender install(Channel channel, boolean direct, java.util.concurrent.atomic.LongAdder dropped) {
    MmsgSender mmsg = direct ? MmsgSender.open(channel, dropped) : null;
    channel.attr(KEY).set(new UdpBatch(channel, mmsg));
    return mmsg;
  }

  static void install(Channel channel) {
    install(channel, false, null);
  }

  /** Writes {@code packet} (taking ownership) to {@code channel}, batched when on its loop. */
  static void write(Channel channel, DatagramPacket packet) {
    UdpBatch batch = channel.eventLoop().inEventLoop() ? channel.attr(KEY).get() : null;
    if (batch == null) {
      channel.writeAndFlush(packet, channel.voidPromise());
    } else {
      batch.add(packet);
    }
  }

  /**
   * Writes a copy of {@code a[off, off+len)} to {@code to}: into the native batch when on the loop
   * with a sender, else as a direct buffer through {@link #write(Channel, DatagramPacket)}.
   */
  static void write(Channel channel, InetSocketAddress to, byte[] a, int off, int len) {
    write(channel, to, 0, a, off, len);
  }

  /** As {@link #write(Channel, InetSocketAddress, byte[], int, int)}; {@code ipv4}: {@code to}'s IPv4 address, or 0. */
  static void write(Channel channel, InetSocketAddress to, int ipv4, byte[] a, int off, int len) {
    UdpBatch batch = channel.eventLoop().inEventLoop() ? channel.attr(KEY).get() : null;
    if (batch != null && batch.mmsg != null && batch.addDirect(a, off, len, to, ipv4)) {
      return;
    }
    ByteBuf packet = channel.alloc().directBuffer(len, len); // direct: the socket write needs no copy of its own
    packet.writeBytes(a, off, len);
    write(channel, new DatagramPacket(packet, to));
  }

  private boolean addDirect(byte[] a, int off, int len, InetSocketAddress to, int ipv4) {
    if (mmsg.full()) {
      mmsg.flush();
    }
    if (!(ipv4 != 0 ? mmsg.addIpv4(a, off, len, ipv4, to.getPort()) : mmsg.add(a, off, len, to))) {
      return false;
    }
    if (mmsg.full()) {
      mmsg.flush();
    } else {
      queueFlush();
    }
    return true;
  }

  private void add(DatagramPacket packet) {
    channel.write(packet, channel.voidPromise());
    if (++pending >= MAX_PENDING) {
      pending = 0;
      channel.flush();
    } else {
      queueFlush();
    }
  }

  private void queueFlush() {
    if (!flushQueued) {
      flushQueued = true;
      channel.eventLoop().execute(this);
    }
  }

  /** The queued flush (also called when the batch is full). */
  @Override
  public void run() {
    flushQueued = false;
    if (mmsg != null && mmsg.pending() > 0) {
      mmsg.flush();
    }
    if (pending > 0) {
      pending = 0;
      channel.flush();
    }
  }
}
