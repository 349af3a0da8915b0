package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import studio.tally.proto.stun.Rfc4571Framer;

/**
 * Where a peer's packets come from and ours go to: a UDP source address on our UDP socket, or one
 * TCP connection carrying RFC 4571 frames. Records, so that two checks from the same place compare
 * equal. {@link #send} is safe from any thread (Netty hops to the channel's event loop).
 */
public sealed interface RtcPath {

  Channel channel();

  InetSocketAddress remote();

  /**
   * Writes one packet and takes ownership of it. Returns false (and releases it) when the path is
   * closed or its TCP connection is not writable (media is dropped rather than queued without bound).
   */
  boolean send(ByteBuf packet);

  /**
   * Writes a copy of {@code a[off, off+len)}, as {@link #send(ByteBuf)} does; on the channel's loop the
   * UDP path queues it straight into the socket's send batch (no buffer per datagram).
   */
  default boolean send(byte[] a, int off, int len) {
    return send(channel().alloc().directBuffer(len, len).writeBytes(a, off, len));
  }

  /**
   * The peer's address on our UDP socket. {@code ipv4} is {@code remote}'s IPv4 address as an int (0 for
   * IPv6): derived from it, so equality is unchanged, and read by the fan-out without touching the address.
   */
  record Udp(Channel channel, InetSocketAddress remote, int ipv4) implements RtcPath {
    public Udp(Channel channel, InetSocketAddress remote) {
      this(channel, remote, remote.getAddress() instanceof java.net.Inet4Address v4
          ? java.nio.ByteBuffer.wrap(v4.getAddress()).getInt() : 0);
    }

    @Override
    public boolean send(ByteBuf packet) {
      if (!channel.isActive()) {
        packet.release();
        return false;
      }
      UdpBatch.write(channel, new DatagramPacket(packet, remote));
      return true;
    }

    @Override
    public boolean send(byte[] a, int off, int len) {
      if (!channel.isActive()) {
        return false;
      }
      UdpBatch.write(channel, remote, ipv4, a, off, len);
      return true;
    }

    @Override
    public String toString() {
      return "udp " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
  }

  /** One TCP connection; packets go out with a 2-byte length (RFC 4571). */
  record Tcp(Channel channel) implements RtcPath {
    @Override
    public InetSocketAddress remote() {
      return channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public boolean send(ByteBuf packet) {
      try {
        int n = packet.readableBytes();
        if (!channel.isActive() || !channel.isWritable() || n > Rfc4571Framer.MAX_FRAME_LENGTH) {
          return false;
        }
        ByteBuf framed = channel.alloc().buffer(2 + n);
        Rfc4571Framer.encode(packet, framed);
        channel.writeAndFlush(framed, channel.voidPromise());
        return true;
      } finally {
        packet.release();
      }
    }

    @Override
    public String toString() {
      InetSocketAddress r = remote();
      return "tcp " + (r == null ? "?" : r.getAddress().getHostAddress() + ":" + r.getPort());
    }
  }
}
