package studio.tally.server.webrtc;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;

/**
 * Batches the datagrams one event-loop turn writes to the WebRTC UDP socket into one flush. A
 * publisher's packet fans out to every player inline on the socket's loop; writing each copy with its
 * own flush costs a {@code sendto} per player, while one flush at the end of the turn lets Netty's
 * epoll transport hand the whole batch to the kernel in {@code sendmmsg} calls (NIO still sends them
 * one by one, but without a wake-up each). Writes from other threads flush at once.
 *
 * <p>The flush runs as a task queued on the loop, which Netty runs after the current I/O turn; a
 * batch that reaches {@link #MAX_PENDING} datagrams is flushed on the spot, so a large fan-out never
 * holds more than that many buffers.
 */
final class UdpBatch implements Runnable {
  static final AttributeKey<UdpBatch> KEY = AttributeKey.valueOf(UdpBatch.class, "batch");
  /** sendmmsg takes at most UIO_MAXIOV (1024) messages per call. */
  static final int MAX_PENDING = 1024;

  private final Channel channel;
  // event loop only
  private int pending;
  private boolean flushQueued;

  private UdpBatch(Channel channel) {
    this.channel = channel;
  }

  /** Makes {@code channel}'s writes from its own loop batched. */
  static void install(Channel channel) {
    channel.attr(KEY).set(new UdpBatch(channel));
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

  private void add(DatagramPacket packet) {
    channel.write(packet, channel.voidPromise());
    if (++pending >= MAX_PENDING) {
      run();
    } else if (!flushQueued) {
      flushQueued = true;
      channel.eventLoop().execute(this);
    }
  }

  /** The queued flush (also called when the batch is full). */
  @Override
  public void run() {
    flushQueued = false;
    if (pending > 0) {
      pending = 0;
      channel.flush();
    }
  }
}
